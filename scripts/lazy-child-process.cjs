// Stands in for node:child_process inside commander (scripts/build.mjs).
// commander requires it at load time but only uses spawn() for stand-alone
// executable subcommands, which this CLI has none of; loading the real module
// (with net, dgram and their bindings) costs every start-up a few milliseconds.
'use strict';
module.exports = {
  spawn: (...args) => require('node:child_process').spawn(...args),
};
