#!/usr/bin/env node
// bench/latency-proxy.js: a TCP relay on 127.0.0.1 that holds every answer
// back by a fixed delay, to give a local server the round trip of a real
// network (an AWS region is ~5-20 ms away from its clients).  Requests
// pass at once; ordering is kept (every chunk waits the same time).
//   node latency-proxy.js LISTEN_PORT UPSTREAM_PORT DELAY_MS
'use strict'
const net = require('net')
const [listen, upstream, delay] = process.argv.slice(2).map(Number)
if (!(listen > 0 && upstream > 0 && delay >= 0)) {
  console.error('usage: latency-proxy.js LISTEN_PORT UPSTREAM_PORT DELAY_MS')
  process.exit(2)
}
net.createServer((client) => {
  client.setNoDelay(true)
  const server = net.connect(upstream, '127.0.0.1')
  server.setNoDelay(true)
  client.pipe(server)
  server.on('data', (chunk) => setTimeout(() => client.write(chunk), delay))
  server.on('end', () => setTimeout(() => client.end(), delay))
  const close = () => { client.destroy(); server.destroy() }
  client.on('error', close)
  server.on('error', close)
  client.on('close', () => server.destroy())
}).listen(listen, '127.0.0.1', () => console.log('latency proxy 127.0.0.1:%d -> %d (+%d ms)', listen, upstream, delay))
