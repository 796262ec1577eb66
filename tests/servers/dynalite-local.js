#!/usr/bin/env node
// Starts dynalite on 127.0.0.1 only (its own CLI listens on every
// interface).  Usage: node dynalite-local.js PORT [--path DIR]
'use strict'
const path = require('path')
const modules = process.env.FDNIX_NODE_MODULES || path.join(__dirname, 'node_modules')
const dynalite = require(path.join(modules, 'dynalite'))
const port = parseInt(process.argv[2], 10)
if (!(port > 0)) {
  console.error('usage: dynalite-local.js PORT [--path DIR]')
  process.exit(2)
}
const options = { createTableMs: 50, deleteTableMs: 50, updateTableMs: 50 }
const at = process.argv.indexOf('--path')
if (at > 0) options.path = process.argv[at + 1]
const server = dynalite(options)
server.listen(port, '127.0.0.1', () => {
  console.log('dynalite listening on 127.0.0.1:%d', port)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
