// ImageDecoderNative: the native half of ImageDecoder (lib/image-decoder.ts).
// It owns the encoded bytes, the demux thread that reports tracks and
// frames through an event channel, and runs each decode on the libuv pool.
#include <napi.h>

#include <memory>
#include <vector>

#include "binding/codec_binding.h"
#include "binding/env_cleanup.h"
#include "binding/errors.h"
#include "binding/event_channel.h"
#include "binding/js_convert.h"
#include "binding/live_objects.h"
#include "binding/video_frame.h"
#include "core/image_decoder.h"

namespace wcn {

namespace {

Napi::Value DemuxEventToJs(Napi::Env env, WorkerEvent& e, EventNumbers&) {
  if (e.type == WorkerEvent::Type::kDone) return Napi::Value();  // waiting for bytes: nothing to tell lib/
  if (e.type != WorkerEvent::Type::kOutput) return CompletionToJs(env, e);
  const auto& ev = std::get<ImageDemuxEvent>(e.output);
  Napi::Object o = Napi::Object::New(env);
  const char* type = ev.kind == ImageDemuxEvent::Kind::kTracks ? "tracks"
                     : ev.kind == ImageDemuxEvent::Kind::kFrames ? "frames"
                                                                  : "end";
  o.Set("type", type);
  Napi::Array tracks = Napi::Array::New(env, ev.tracks.size());
  for (size_t i = 0; i < ev.tracks.size(); i++) {
    const ImageTrackInfo& t = ev.tracks[i];
    Napi::Object track = Napi::Object::New(env);
    track.Set("animated", t.animated);
    track.Set("frameCount", t.frame_count);
    track.Set("repetitionCount", t.repetition_count);
    track.Set("available", t.available);
    if (!t.truncated.empty()) track.Set("truncated", t.truncated);
    tracks.Set(static_cast<uint32_t>(i), track);
  }
  o.Set("tracks", tracks);
  o.Set("primary", ev.primary);
  if (!ev.malformed.empty()) o.Set("malformed", ev.malformed);
  return o;
}

// One decode on the libuv pool; the JS thread never waits for it.
class ImageDecodeWorker final : public Napi::AsyncWorker {
 public:
  ImageDecodeWorker(Napi::Env env, std::shared_ptr<ImageFrameDecoder> decoder, uint32_t track, uint32_t index)
      : Napi::AsyncWorker(env, "webcodecs-native image decode"), deferred_(Napi::Promise::Deferred::New(env)),
        decoder_(std::move(decoder)), track_(track), index_(index) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      status_ = decoder_->Decode(track_, index_, &out_);
    } catch (const std::bad_alloc&) {
      status_ = Status::Error(ErrorKind::kEncodingError, "Out of memory while decoding the image.");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok()) {
      deferred_.Reject(MakeError(env, status_.kind, status_.message));
      return;
    }
    try {
      deferred_.Resolve(DecodedVideoToJs(env, out_));
    } catch (const Napi::Error& err) {
      deferred_.Reject(err.Value());
    }
  }

  void OnError(const Napi::Error& err) override { deferred_.Reject(err.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ImageFrameDecoder> decoder_;
  uint32_t track_;
  uint32_t index_;
  Status status_;
  DecodedVideo out_;
};

class ImageDecoderBinding : public Napi::ObjectWrap<ImageDecoderBinding> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function cls = DefineClass(env, "ImageDecoderNative",
                                     {
                                         InstanceMethod<&ImageDecoderBinding::Append>("append"),
                                         InstanceMethod<&ImageDecoderBinding::Adopt>("adopt"),
                                         InstanceMethod<&ImageDecoderBinding::End>("end"),
                                         InstanceMethod<&ImageDecoderBinding::Decode>("decode"),
                                         InstanceMethod<&ImageDecoderBinding::Close>("close"),
                                         StaticMethod<&ImageDecoderBinding::IsTypeSupported>("isTypeSupported"),
                                     });
    exports.Set("ImageDecoderNative", cls);
  }

  // new ImageDecoderNative(mimeEssence, desiredWidth, desiredHeight, convertColor, maxBytes, onEvents)
  explicit ImageDecoderBinding(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ImageDecoderBinding>(info) {
    Napi::Env env = info.Env();
    const std::string essence = ReadString(info[0], "type");
    const auto type = ImageTypeForMime(essence);
    if (!type || !ImageTypeAvailable(*type)) {
      Throw(env, ErrorKind::kNotSupportedError, "No image decoder for \"" + essence + "\" in this build.");
    }
    ImageDecoderSettings settings;
    settings.type = *type;
    settings.desired_width = ReadU32(info[1], "desiredWidth");
    settings.desired_height = ReadU32(info[2], "desiredHeight");
    settings.convert_color = info[3].ToBoolean();
    const double max_bytes = info[4].As<Napi::Number>().DoubleValue();
    if (!info[5].IsFunction()) Throw(env, ErrorKind::kTypeError, "The image decoder needs an event callback.");
    live_ = LiveObject(env, LiveKind::kImageDecoder);
    store_ = std::make_shared<ByteStore>(static_cast<uint64_t>(max_bytes), "image data",
                                         "ImageDecoderInit.maxEncodedBytes");
    frames_ = std::make_shared<ImageFrameTable>();
    decoder_ = std::make_shared<ImageFrameDecoder>(settings, frames_);
    channel_ = EventChannel::Create(env, info[5].As<Napi::Function>(), &DemuxEventToJs, [this] { Finish(); });
    channel_->Expect(1);  // the demux thread's work until it waits or ends
    demuxer_ = std::make_unique<ImageDemuxer>(settings, store_, frames_, channel_);
    teardown_ = std::make_unique<EnvCleanupHook>(env, [this] {
      store_->Close();
      demuxer_.reset();
    });
  }

  ~ImageDecoderBinding() override {
    // Decodes still in flight read the store no more (adopted_ goes next).
    store_->Close();
    Shutdown();
    if (channel_) channel_->Detach();
  }

  static Napi::Value IsTypeSupported(const Napi::CallbackInfo& info) {
    const auto type = ImageTypeForMime(ReadString(info[0], "type"));
    return Napi::Boolean::New(info.Env(), type && ImageTypeAvailable(*type));
  }

 private:
  Napi::Uint8Array Bytes(const Napi::CallbackInfo& info) {
    if (!info[0].IsTypedArray()) Throw(info.Env(), ErrorKind::kTypeError, "append() expects a Uint8Array.");
    return info[0].As<Napi::Uint8Array>();
  }

  void Woke(bool reader_was_waiting) {
    if (reader_was_waiting) channel_->Expect(1);
  }

  // append(bytes): copies the bytes.
  void Append(const Napi::CallbackInfo& info) {
    Napi::Uint8Array bytes = Bytes(info);
    bool woke = false;
    ThrowIfError(info.Env(), store_->Append(bytes.Data(), bytes.ByteLength(), &woke));
    Woke(woke);
  }

  // adopt(bytes): reads the bytes in place. lib/ hands over a buffer it
  // took from the caller's transfer list and never touches again; the
  // reference keeps it alive until the store is closed (AVIF decodes read
  // it after the demux thread is gone).
  void Adopt(const Napi::CallbackInfo& info) {
    Napi::Uint8Array bytes = Bytes(info);
    adopted_.push_back(Napi::Persistent(bytes.As<Napi::Object>()));
    bool woke = false;
    ThrowIfError(info.Env(), store_->AppendBorrowed(bytes.Data(), bytes.ByteLength(), &woke));
    Woke(woke);
  }

  void End(const Napi::CallbackInfo&) { Woke(store_->End()); }

  // decode(trackIndex, frameIndex) -> Promise<decoded frame>, for a frame
  // whose data has arrived (lib/ waits for the demuxer to report it).
  Napi::Value Decode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closing_) Throw(env, ErrorKind::kInvalidStateError, "The ImageDecoder is closed.");
    auto* worker = new ImageDecodeWorker(env, decoder_, ReadU32(info[0], "trackIndex"),
                                         ReadU32(info[1], "frameIndex"));  // deletes itself
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  // close(): returns at once; a demux thread still running stops at its
  // next read and reports kClosed, then it is joined. Decodes in flight
  // keep the frames they use; their reads of the store fail from now on.
  void Close(const Napi::CallbackInfo&) {
    if (closing_) return;
    closing_ = true;
    live_.Release();
    const bool reader_was_waiting = store_->Close();
    // Reads hold the store's lock: none is in progress once it is closed.
    adopted_.clear();
    if (!demuxer_) return;  // the thread has ended already
    channel_->SetGeneration(UINT64_MAX);
    Woke(reader_was_waiting);
  }

  // The demux thread has exited, so joining is immediate.
  void Finish() {
    demuxer_.reset();
    teardown_->Disarm();
    channel_->Release();
  }

  void Shutdown() {
    if (!demuxer_) return;
    demuxer_.reset();
    teardown_->Disarm();
  }

  std::shared_ptr<ByteStore> store_;
  std::shared_ptr<ImageFrameTable> frames_;
  std::shared_ptr<ImageFrameDecoder> decoder_;
  std::shared_ptr<EventChannel> channel_;
  std::unique_ptr<ImageDemuxer> demuxer_;
  // From construction to close(): an open decoder holds its bytes (its
  // demux thread ends by itself once they are read).
  LiveObject live_;
  std::vector<Napi::ObjectReference> adopted_;
  std::unique_ptr<EnvCleanupHook> teardown_;  // joins the demux thread if the environment ends first
  bool closing_ = false;
};

}  // namespace

void InitImageDecoder(Napi::Env env, Napi::Object exports) { ImageDecoderBinding::Init(env, exports); }

}  // namespace wcn
