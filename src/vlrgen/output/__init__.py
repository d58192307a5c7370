"""Phase 5, write: HTML pages from the templates, PDF through WeasyPrint, the Open SDG export."""
