"""kb as a retriever for RAG frameworks (the `integrations` extra): `kb.integrations.langchain`
and `kb.integrations.llama_index`, over a local index or a `kb serve` URL. Importing this package
imports neither framework."""
