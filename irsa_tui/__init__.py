"""irsa-tui: find exactly why a pod on Amazon EKS cannot reach AWS through IRSA."""

__all__ = ["__version__"]
__version__ = "0.1.0"
