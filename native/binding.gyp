{
  "targets": [
    {
      "target_name": "bn254_prover",
      "sources": [
        "src/field.cc",
        "src/curve.cc",
        "src/msm.cc",
        "src/ntt.cc",
        "src/binfile.cc",
        "src/zkey.cc",
        "src/wtns.cc",
        "src/prover.cc",
        "src/binding.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "conditions": [
        ["target_arch=='x64'", { "cflags_cc": ["-march=native"] }]
      ]
    }
  ]
}
