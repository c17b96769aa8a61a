"""Cross-article linking: canonical entities (`resolve`) and the same quote across outlets
(`quotes`), built on name normalisation (`names`)."""
