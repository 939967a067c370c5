// Northwind LoRaWAN: keeps the radio metadata of each uplink next to the decoded values.
const rssi = payload.find((item) => item.variable === "rssi");
const snr = payload.find((item) => item.variable === "snr");
if (rssi && snr) {
  payload.push({ variable: "link_quality", value: rssi.value + snr.value * 2, group: rssi.group });
}
