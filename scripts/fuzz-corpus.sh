#!/usr/bin/env bash
# Seed corpus for the fuzz targets (test/fuzz): small clips, sounds and
# images made by the ffmpeg CLI, packed into each target's input format by
# scripts/fuzz-pack.mjs (through our own Demuxer). Writes
# build-fuzz/seeds/<target>/ (git-ignored, like all generated media) and
# does nothing when the seeds are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-fuzz
[ -f "$out/seeds/.complete" ] && exit 0
media="$out/media"
rm -rf "$media" "$out/seeds"
mkdir -p "$media"

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
video="testsrc2=size=64x48:rate=10"
sound="sine=frequency=440:sample_rate=48000:duration=0.25"
stereo=(-f lavfi -i "$sound" -ac 2)

# Video: a few frames with B-frames where the codec has them, in the
# containers the Demuxer reads (avcC/hvcC descriptions and Annex B).
ff -f lavfi -i "$video" -frames:v 6 -c:v libx264 -g 4 -bf 2 "$media/h264.mp4"
ff -f lavfi -i "$video" -frames:v 6 -c:v libx264 -g 4 -bf 0 -pix_fmt yuv444p "$media/h264-444.h264"
ff -f lavfi -i "$video" -frames:v 6 -c:v libx265 -x265-params log-level=none:bframes=2 -tag:v hvc1 "$media/hevc.mp4"
ff -f lavfi -i "$video" -frames:v 6 -c:v libx265 -x265-params log-level=none -pix_fmt yuv420p10le "$media/hevc-10.hevc"
ff -f lavfi -i "$video" -frames:v 6 -c:v libvpx -g 4 "$media/vp8.webm"
ff -f lavfi -i "$video" -frames:v 6 -c:v libvpx-vp9 -g 4 "$media/vp9.webm"
ff -f lavfi -i "$video" -frames:v 4 -c:v libvpx-vp9 -pix_fmt yuv444p10le "$media/vp9-444-10.ivf"
ff -f lavfi -i "$video" -frames:v 4 -c:v libaom-av1 -cpu-used 8 -g 4 "$media/av1.mp4"
ff -f lavfi -i "$video" -frames:v 4 -c:v libaom-av1 -cpu-used 8 -pix_fmt yuv444p "$media/av1-444.obu"

# Audio: every decoder codec, with its description where it has one.
ff "${stereo[@]}" -c:a aac "$media/aac.mp4"
ff "${stereo[@]}" -c:a aac "$media/aac.adts"
ff "${stereo[@]}" -c:a libopus "$media/opus.ogg"
ff -f lavfi -i "$sound" -ac 6 -c:a libopus -mapping_family 1 "$media/opus-6.ogg"
ff "${stereo[@]}" -c:a libmp3lame "$media/mp3.mp3"
ff "${stereo[@]}" -c:a flac "$media/flac.flac"
ff "${stereo[@]}" -c:a libvorbis "$media/vorbis.ogg"
for pcm in pcm_u8 pcm_s16le pcm_s24le pcm_s32le pcm_f32le pcm_mulaw pcm_alaw; do
  ff -f lavfi -i "$sound" -c:a "$pcm" "$media/$pcm.wav"
done

# Images: every ImageDecoder type, stills and animations.
still="testsrc2=size=32x24"
ff -f lavfi -i "$still" -frames:v 1 "$media/image.jpg"
ff -f lavfi -i "$still" -frames:v 1 "$media/image.png"
ff -f lavfi -i "$still" -frames:v 1 -pix_fmt pal8 "$media/image-pal.png"
ff -f lavfi -i "$still:rate=5" -frames:v 3 -plays 0 -f apng "$media/anim.apng"
ff -f lavfi -i "$still:rate=5" -frames:v 3 "$media/anim.gif"
ff -f lavfi -i "$still" -frames:v 1 -c:v libwebp "$media/image.webp"
ff -f lavfi -i "$still" -frames:v 1 -c:v libwebp -lossless 1 "$media/image-lossless.webp"
ff -f lavfi -i "$still:rate=5" -frames:v 3 -c:v libwebp_anim -loop 0 "$media/anim.webp"
ff -f lavfi -i "$still" -frames:v 1 "$media/image.bmp"
ff -f lavfi -i "$still" -frames:v 1 -c:v libaom-av1 -cpu-used 8 -still-picture 1 -f mp4 "$media/image.avif"
ff -f lavfi -i "$still" -frames:v 1 -c:v png -pix_fmt rgba -f ico "$media/image-png.ico"
ff -f lavfi -i "$still" -frames:v 1 -c:v bmp -pix_fmt bgra -f ico "$media/image-bmp.ico"

# More containers for the demuxer.
ff -f lavfi -i "$video" -f lavfi -i "$sound" -frames:v 4 -c:v libx264 -c:a aac -shortest -f mpegts "$media/mux.ts"
ff -f lavfi -i "$video" -f lavfi -i "$sound" -frames:v 4 -c:v libvpx -c:a libvorbis -shortest "$media/mux.mkv"
ff -f lavfi -i "$video" -f lavfi -i "$sound" -frames:v 4 -c:v libx264 -c:a aac -shortest \
  -movflags frag_keyframe+empty_moov "$media/mux-frag.mp4"

node scripts/fuzz-pack.mjs "$media" "$out/seeds"
touch "$out/seeds/.complete"
