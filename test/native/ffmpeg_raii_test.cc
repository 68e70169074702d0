// AVFrame and AVPacket structures are recycled: a recycled one must be
// indistinguishable from a new one (no buffer, no side data, default
// fields), and what it referenced must be released when it is recycled.
#include "core/ffmpeg_raii.h"

#include <gtest/gtest.h>

namespace wcn {
namespace {

TEST(Recycling, AFrameComesBackEmptyAndItsBuffersAreReleased) {
  FramePtr frame = AllocFrame();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = 64;
  frame->height = 48;
  frame->pts = 1234;
  ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
  ASSERT_NE(av_frame_new_side_data(frame.get(), AV_FRAME_DATA_A53_CC, 16), nullptr);
  // A second reference shows when the recycled frame lets go of the buffer.
  BufferRefPtr keep(av_buffer_ref(frame->buf[0]));
  ASSERT_EQ(av_buffer_get_ref_count(keep.get()), 2);
  const AVFrame* const shell = frame.get();
  frame.reset();
  EXPECT_EQ(av_buffer_get_ref_count(keep.get()), 1) << "recycling must unreference the frame's buffers";

  FramePtr again = AllocFrame();
  EXPECT_EQ(again.get(), shell) << "the last recycled structure is reused first";
  FramePtr fresh(av_frame_alloc());
  EXPECT_EQ(again->format, fresh->format);
  EXPECT_EQ(again->width, 0);
  EXPECT_EQ(again->pts, fresh->pts);
  EXPECT_EQ(again->nb_side_data, 0);
  EXPECT_EQ(again->buf[0], nullptr);
  EXPECT_EQ(again->data[0], nullptr);
  EXPECT_EQ(again->extended_data, again->data);
  EXPECT_EQ(again->ch_layout.nb_channels, 0);
}

TEST(Recycling, APacketComesBackEmptyAndItsBufferIsReleased) {
  PacketPtr packet = AllocPacket();
  ASSERT_GE(av_new_packet(packet.get(), 100), 0);
  packet->pts = 7;
  packet->flags |= AV_PKT_FLAG_KEY;
  ASSERT_NE(av_packet_new_side_data(packet.get(), AV_PKT_DATA_NEW_EXTRADATA, 8), nullptr);
  BufferRefPtr keep(av_buffer_ref(packet->buf));
  const AVPacket* const shell = packet.get();
  packet.reset();
  EXPECT_EQ(av_buffer_get_ref_count(keep.get()), 1);

  PacketPtr again = AllocPacket();
  EXPECT_EQ(again.get(), shell);
  EXPECT_EQ(again->buf, nullptr);
  EXPECT_EQ(again->data, nullptr);
  EXPECT_EQ(again->size, 0);
  EXPECT_EQ(again->pts, AV_NOPTS_VALUE);
  EXPECT_EQ(again->flags, 0);
  EXPECT_EQ(again->side_data_elems, 0);
}

}  // namespace
}  // namespace wcn
