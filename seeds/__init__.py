"""The seed catalog shipped with reader (data only).

``daily-papers-generalization.txt`` is the original saved page; the ``.jsonl`` beside it is
generated from it by ``python -m reader.seedcatalog seeds/daily-papers-generalization.txt``.
"""
