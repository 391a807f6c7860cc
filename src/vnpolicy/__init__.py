"""vnpolicy: Vietnamese news → policy-implementation records."""
__version__ = "0.1.0"
