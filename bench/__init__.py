"""The benchmark harness: a seeded data generator, bare baselines and a load runner."""
