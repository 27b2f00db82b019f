"""Chinese text primitives every stage shares: script folding, jieba tokens, sentence spans, code spans."""
