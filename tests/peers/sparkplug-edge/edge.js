// A Sparkplug B edge node built on Eclipse Tahu's JavaScript client (npm sparkplug-client), so that
// Threadline's host is tested against bytes it did not write. Usage:
//   node edge.js <host> <port> <group> <edge node> <device> <value> [<value> ...]
// Publishes NBIRTH, a DBIRTH (metrics with aliases), one DDATA per value (aliases only), two compressed DDATA
// (Temperature 99.5 deflated, 98.5 gzipped), a DDEATH, then
// drops the TCP connection without an MQTT DISCONNECT so that the broker delivers the NDEATH will,
// which this client registers at QoS 0 with bdSeq 0 (it predates Sparkplug 3.0 and never increments bdSeq).
'use strict';

const sparkplug = require('sparkplug-client');

const [host, port, groupId, edgeNode, deviceId, ...rawValues] = process.argv.slice(2);
if (!deviceId || rawValues.length === 0) {
  console.error('usage: node edge.js <host> <port> <group> <edge node> <device> <value> [<value> ...]');
  process.exit(2);
}
const values = rawValues.map(Number);

const client = sparkplug.newClient({
  serverUrl: `mqtt://${host}:${port}`,
  // Mosquitto with allow_anonymous accepts any credentials; the client insists on having some.
  username: 'edge',
  password: 'edge',
  groupId,
  edgeNode,
  clientId: `threadline-peer-${process.pid}`,
  version: 'spBv1.0',
  publishDeath: false,
  mqttOptions: { reconnectPeriod: 0 },
});

const failTimer = setTimeout(() => {
  console.error('edge.js: timed out');
  process.exit(3);
}, 20000);

client.on('error', (error) => {
  console.error(`edge.js: ${error.message}`);
  process.exit(1);
});

client.on('birth', () => {
  // A real node samples at intervals; this one publishes in a burst, so its clock steps 10 ms per reading to keep
  // each point's time of record distinct (the host stores one point per asset, signal and timestamp).
  let clock = Date.now();
  const now = () => (clock += 10);
  client.publishNodeBirth({
    timestamp: now(),
    metrics: [
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      { name: 'Uptime', type: 'Int64', value: 42 },
    ],
  });
  client.publishDeviceBirth(deviceId, {
    timestamp: now(),
    metrics: [
      { name: 'Temperature', alias: 1, type: 'Double', value: values[0] },
      { name: 'Running', alias: 2, type: 'Boolean', value: true },
      { name: 'Count', alias: 3, type: 'Int32', value: -5 },
      { name: 'Label', alias: 4, type: 'String', value: 'pump' },
    ],
  });
  values.forEach((value, i) => {
    client.publishDeviceData(deviceId, {
      timestamp: now(),
      metrics: [
        { alias: 1, type: 'Double', value, timestamp: now() },
        { alias: 3, type: 'Int32', value: -5 - (i + 1) },
      ],
    });
  });
  // Tahu's own compressed form: the encoded payload deflated (zlib) or gzipped into the body of another.
  client.publishDeviceData(deviceId, { timestamp: now(), metrics: [{ alias: 1, type: 'Double', value: 99.5, timestamp: now() }] },
    { compress: true });
  client.publishDeviceData(deviceId, { timestamp: now(), metrics: [{ alias: 1, type: 'Double', value: 98.5, timestamp: now() }] },
    { compress: true, algorithm: 'GZIP' });
  client.publishDeviceDeath(deviceId, { timestamp: now() });

  // Ending the socket flushes what was written, and without DISCONNECT the broker publishes the will.
  const mqttClient = client.client;
  mqttClient.stream.once('close', () => {
    clearTimeout(failTimer);
    console.log('edge.js: done');
    process.exit(0);
  });
  mqttClient.stream.end();
});
