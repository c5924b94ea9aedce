{
  "targets": [
    {
      "target_name": "sagebox_llm",
      "sources": ["llm.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lm"],
      "cflags": ["-O3", "-march=native", "-fopenmp-simd", "-fno-math-errno"],
      "cflags_c": ["-O3", "-march=native", "-fopenmp-simd", "-fno-math-errno", "-std=gnu99"]
    }
  ]
}
