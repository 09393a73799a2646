"""Demo data for the README's demo, the training room and the benchmarks.

It sits above the use cases (``services``) and below the faces: it writes cases only through
the services' one ingest path, and nothing in ``services`` imports it, so a production office
carries no demo code in its call graph."""
