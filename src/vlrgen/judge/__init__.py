"""Phase 2, judge: pure, language-free judgements over gathered data.

Statuses, scores, trends, target progress, aggregates across members and comparisons with the
county, the nation and peers. No I/O, no words.
"""
