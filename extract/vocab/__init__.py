"""Domain vocabulary: the one home of the Chinese words and character ranges every stage and check reads.

* :mod:`extract.vocab.chars` — which code points count as Chinese, per purpose
  (ideographs, ideographs with Extension A, CJK text with punctuation).
* :mod:`extract.vocab.units` — money units and the one conversion to 元
  (:func:`~extract.vocab.units.to_yuan`), with the missing-unit rule per context.
* :mod:`extract.vocab.words` — word lists kept as data in ``words.json``: totals
  row labels, organisation suffixes, row-number headers.
* ``form_labels.json`` — the performance-form label vocabulary
  (read by :mod:`extract.stages.form_values`).

Nothing here imports from the rest of the package, so any module may import it.
"""
