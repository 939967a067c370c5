// Northwind TH Sensor uplink (4 bytes):
//   bytes 0-1: temperature in 0.1 °C, signed
//   bytes 2-3: relative humidity in 0.1 %
const raw = payload.find((item) => item.variable === "payload");
if (raw) {
  const bytes = Buffer.from(raw.value, "hex");
  payload = [
    { variable: "temperature", value: bytes.readInt16BE(0) / 10, unit: "°C", group: raw.group },
    { variable: "humidity", value: bytes.readUInt16BE(2) / 10, unit: "%", group: raw.group },
  ];
}
