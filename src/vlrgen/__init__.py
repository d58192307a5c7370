"""vlrgen: bilingual Voluntary Local Reviews on the SDGs, from Markdown and data to HTML and PDF."""

__version__ = "0.1.0"
__all__ = ["__version__"]
