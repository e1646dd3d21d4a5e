{
  "targets": [
    {
      "target_name": "batch_digest",
      "sources": ["batch_digest.c"],
      "cflags": ["-O2", "-Wno-deprecated-declarations"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
