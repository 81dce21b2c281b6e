"""The matcher's stages, each a module: text (words and folding), language (general English
data), world (a sheet's names and topics), constraints, kinds, query (parse), profile,
retrieve, score, decide, sources (questions about the articles), semantic (optional)."""
