"""The simulated demo corpus: a deterministic generator of realistic, clearly labelled fake
web pages about 工作专班, with their ground truth, so the pipeline runs with no network."""

from pipeline.demo.population import build_population
from pipeline.demo.writer import DemoSummary, generate_demo, load_catalogs

__all__ = ["DemoSummary", "build_population", "generate_demo", "load_catalogs"]
