"""Text: what reads customers' words.

Problem types and score bands (``classify``), sentiment and feedback type
(``sentiment``), distinguishing keywords (``keywords``), demand topics and tags
(``demand``), quotes (``quotes``) and the second-verification list (``verify``).

May import: ``reporting.intake`` and the shared modules (config, errors, vocab).
"""
