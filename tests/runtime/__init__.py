"""Tests of the hand-written runtime copied into generated packages."""
