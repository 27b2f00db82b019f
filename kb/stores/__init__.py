"""Where an index lives: the version written by ingest and read by answering, on disk (FAISS + SQLite) or in Milvus."""
