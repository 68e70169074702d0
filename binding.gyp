{
  "targets": [
    {
      "target_name": "webcodecs_native",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('src/core').filter(f => f.endsWith('.cc')).map(f => 'src/core/' + f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('src/binding').filter(f => f.endsWith('.cc')).map(f => 'src/binding/' + f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "src"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": [
        "-std=c++20",
        "-fexceptions",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Wno-missing-field-initializers",
        "<!@(node scripts/ffmpeg-flags.js --cflags)"
      ],
      "libraries": ["<!@(node scripts/ffmpeg-flags.js --libs)"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "OTHER_CPLUSPLUSFLAGS": ["<!@(node scripts/ffmpeg-flags.js --cflags)"]
          }
        }]
      ]
    }
  ]
}
