// DemuxerNative: the native half of Demuxer (lib/demuxer.ts). The input is
// a path, or bytes lib/ appends to a ByteStore (a whole Buffer, or a stream
// fed whenever the worker waits for more).
#include <cmath>
#include <limits>

#include "binding/codec_binding.h"
#include "binding/js_color.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "core/demuxer.h"

namespace wcn {

namespace {

Napi::Object TrackToJs(Napi::Env env, const DemuxTrack& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", t.index);
  o.Set("kind", t.kind);
  o.Set("codec", t.codec);
  o.Set("ffmpegCodec", t.ffmpeg_codec);
  o.Set("profile", t.profile);
  o.Set("level", t.level);
  if (!t.description.empty()) o.Set("description", BytesToJs(env, t.description));
  if (!t.record.empty()) o.Set("record", BytesToJs(env, t.record));
  o.Set("width", t.width);
  o.Set("height", t.height);
  o.Set("displayWidth", t.display_width);
  o.Set("displayHeight", t.display_height);
  o.Set("rotation", t.rotation);
  o.Set("flip", t.flip);
  o.Set("color", ColorToJs(env, t.color));
  o.Set("bitDepth", t.bit_depth);
  o.Set("chromaSubsampling", t.chroma_subsampling);
  o.Set("frameRate", t.frame_rate);
  o.Set("sampleRate", t.sample_rate);
  o.Set("channels", t.channels);
  o.Set("aacObjectType", t.aac_object_type);
  o.Set("duration", static_cast<double>(t.duration));
  o.Set("start", t.start ? Napi::Value(Napi::Number::New(env, static_cast<double>(*t.start))) : env.Null());
  o.Set("frames", static_cast<double>(t.frames));
  o.Set("bitrate", static_cast<double>(t.bitrate));
  o.Set("language", t.language);
  return o;
}

class DemuxerBinding : public CodecBinding<DemuxerBinding, DemuxEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-demux";
  static constexpr LiveKind kLiveKind = LiveKind::kDemuxer;
  static constexpr bool kMergeDone = false;  // lib/native-worker.ts pairs outputs with the message in progress
  // work(kind, a, b, generation): kind 0 read(maxPackets, maxBytes),
  // 1 seek(timestamp), 2 select(tracks)
  static constexpr size_t kWorkArgs = 3;

  // new DemuxerNative(onEvents, maxBufferedBytes)
  explicit DemuxerBinding(const Napi::CallbackInfo& info) : Base(info) {
    const double cap = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
    store_ = std::make_shared<ByteStore>(cap > 0 ? static_cast<uint64_t>(cap) : std::numeric_limits<uint64_t>::max(),
                                         "buffered input", "DemuxerInit.maxBufferedBytes");
    // The worker waits for bytes that have not arrived: ask lib/ for more.
    store_->set_on_wait([sink = sink()] {
      WorkerEvent e{WorkerEvent::Type::kOutput, 0};
      e.output = InputWanted{};
      sink->Post(std::move(e));
    });
  }

  ~DemuxerBinding() override { Interrupt(); }

  static void AddMethods(std::vector<PropertyDescriptor>& methods) {
    methods.push_back(InstanceMethod("append", &DemuxerBinding::JsAppend));
    methods.push_back(InstanceMethod("end", &DemuxerBinding::JsEnd));
  }

  void Interrupt() { store_->Close(); }

  // {path?, format?, stream: boolean}
  DemuxSource ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a source object.");
    Napi::Object o = value.As<Napi::Object>();
    DemuxSource s;
    if (o.Get("path").IsString()) {
      s.path = o.Get("path").As<Napi::String>().Utf8Value();
    } else {
      s.store = store_;
      s.sequential = o.Get("stream").ToBoolean();
    }
    if (o.Get("format").IsString()) s.format = o.Get("format").As<Napi::String>().Utf8Value();
    return s;
  }

  static DemuxEngine::Work ReadWork(const Napi::CallbackInfo& info) {
    const int kind = info[0].As<Napi::Number>().Int32Value();
    if (kind == 0) {
      return DemuxEngine::Read{ReadU32(info[1], "maxPackets"),
                               static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue())};
    }
    if (kind == 1) return DemuxEngine::Seek{info[1].As<Napi::Number>().Int64Value()};
    DemuxEngine::Select select;
    Napi::Array tracks = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < tracks.Length(); i++) select.tracks.push_back(tracks.Get(i).As<Napi::Number>().Int32Value());
    return select;
  }

  // A packet is its bytes, with the numbers [track, key, timestamp,
  // duration or NaN]; the header, "wants input" and the end are objects
  // without numbers.
  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers) {
    if (auto* packet = std::get_if<DemuxedPacket>(&e.output); packet && packet->packet) {
      numbers.Push(packet->track);
      numbers.Push(packet->key ? 1 : 0);
      numbers.Push(static_cast<double>(packet->timestamp));
      numbers.Push(packet->duration ? static_cast<double>(*packet->duration) : NAN);
      return PacketToJs(env, std::move(packet->packet));
    }
    Napi::Object o = Napi::Object::New(env);
    if (auto* header = std::get_if<DemuxHeader>(&e.output)) {
      o.Set("format", header->format);
      o.Set("formatName", header->format_long);
      o.Set("duration", static_cast<double>(header->duration));
      o.Set("start", static_cast<double>(header->start));
      o.Set("bitrate", static_cast<double>(header->bitrate));
      Napi::Array tracks = Napi::Array::New(env, header->tracks.size());
      for (size_t i = 0; i < header->tracks.size(); i++) tracks.Set(static_cast<uint32_t>(i), TrackToJs(env, header->tracks[i]));
      o.Set("tracks", tracks);
    } else if (std::holds_alternative<InputWanted>(e.output)) {
      o.Set("wantsInput", true);
    } else {
      o.Set("end", true);  // a packet without data
    }
    return o;
  }

 private:
  // append(bytes): copied into the store.
  void JsAppend(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray()) Throw(env, ErrorKind::kTypeError, "append() expects bytes.");
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    bool woke = false;
    Status s = store_->Append(bytes.Data(), bytes.ByteLength(), &woke);
    if (!s.ok()) Throw(env, s.kind, s.message);
  }

  void JsEnd(const Napi::CallbackInfo&) { store_->End(); }

  std::shared_ptr<ByteStore> store_;
};

}  // namespace

void InitDemuxer(Napi::Env env, Napi::Object exports) {
  exports.Set("DemuxerNative", DemuxerBinding::Define(env, "DemuxerNative"));
}

}  // namespace wcn
