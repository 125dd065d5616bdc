"""Language server and checker for Tencent Cloud CAM policies."""

__version__ = "0.1.0"
