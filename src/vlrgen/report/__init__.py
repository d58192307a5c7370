"""Phase 3, plan: per language, turn the judgements and the narrative into a frozen view of a report.

Views carry every word and formatted number a template shows, numbered figures and tables and
the chart jobs the pages need; templates only present them.
"""
