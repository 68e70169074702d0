// The one place that includes FFmpeg's C headers, and the minimum version.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/buffer.h>
#include <libavutil/display.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

// FFmpeg 5.1 is libavcodec 59.37.100 / libavutil 57.28.100.
#if LIBAVCODEC_VERSION_INT < AV_VERSION_INT(59, 37, 100) || \
    LIBAVUTIL_VERSION_INT < AV_VERSION_INT(57, 28, 100)
#error "webcodecs-native needs FFmpeg 5.1 or newer (libavcodec >= 59.37.100, libavutil >= 57.28.100). Install the FFmpeg 5.1+ development packages (Debian 12: libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev)."
#endif
