#!/usr/bin/env node
// Prints pkg-config flags for the FFmpeg libraries, libavif (AVIF images)
// and lcms2 (ICC profiles) to binding.gyp, or exits with a message that says
// which packages to install. gyp only shows a command's stderr, so the
// message has to be complete on its own.
'use strict';
const { execFileSync } = require('node:child_process');

const LIBS = ['libavcodec', 'libavformat', 'libavutil', 'libswscale', 'libswresample', 'libavif', 'lcms2'];
// FFmpeg 5.1 ships libavcodec 59.37.100.
const MIN_AVCODEC = [59, 37, 100];

function fail(message) {
  process.stderr.write(
    `\nwebcodecs-native: ${message}\n` +
      'It needs the FFmpeg 5.1+, libavif and lcms2 development packages and pkg-config:\n' +
      '  Debian/Ubuntu: apt-get install pkg-config libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavif-dev liblcms2-dev\n' +
      '  Fedora:        dnf install pkgconf ffmpeg-free-devel libavif-devel lcms2-devel (or ffmpeg-devel from RPM Fusion)\n' +
      '  Arch:          pacman -S pkgconf ffmpeg libavif lcms2\n' +
      '  macOS:         brew install pkg-config ffmpeg libavif little-cms2\n\n',
  );
  process.exit(1);
}

function pkgConfig(args) {
  try {
    return execFileSync('pkg-config', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    if (err.code === 'ENOENT') fail('pkg-config was not found.');
    fail(`pkg-config could not find ${LIBS.join(', ')}:\n${String(err.stderr || err.message).trim()}`);
  }
  return '';
}

const mode = process.argv[2];
const version = pkgConfig(['--modversion', 'libavcodec']).split('.').map(Number);
for (let i = 0; i < 3; i++) {
  if (version[i] > MIN_AVCODEC[i]) break;
  if (version[i] < MIN_AVCODEC[i]) {
    fail(`libavcodec ${version.join('.')} is older than FFmpeg 5.1 (libavcodec ${MIN_AVCODEC.join('.')}).`);
  }
}
if (mode === '--cflags') process.stdout.write(pkgConfig(['--cflags', ...LIBS]));
else if (mode === '--libs') process.stdout.write(pkgConfig(['--libs', ...LIBS]));
else fail(`unknown mode ${mode}; expected --cflags or --libs.`);
