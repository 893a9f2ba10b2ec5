"""Evaluation harness: statistics over per-case results and run reports."""
