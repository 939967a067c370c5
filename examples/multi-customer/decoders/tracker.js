// Northwind Tracker uplink (9 bytes):
//   bytes 0-3: latitude in 1e-6 degrees, signed
//   bytes 4-7: longitude in 1e-6 degrees, signed
//   byte 8:    1 when the tracker moved since the last uplink
const raw = payload.find((item) => item.variable === "payload");
if (raw) {
  const bytes = Buffer.from(raw.value, "hex");
  const location = { lat: bytes.readInt32BE(0) / 1e6, lng: bytes.readInt32BE(4) / 1e6 };
  payload = [
    { variable: "location", value: "position", location, group: raw.group },
    { variable: "moving", value: bytes[8] === 1, group: raw.group },
  ];
}
