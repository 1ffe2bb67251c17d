"""The seed catalog shipped with reader (data only).

``daily-papers-generalization.txt`` is the original saved page and ``.ids.tsv`` its arXiv
ids, authors and years, each row naming its public source; the ``.jsonl`` beside them is
generated from both by ``python -m reader.seedcatalog seeds/daily-papers-generalization.txt``.
"""
