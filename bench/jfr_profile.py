#!/usr/bin/env python3
"""Where a Spark job's task threads spend their time, from a JFR recording.

    jfr print --events jdk.ExecutionSample --stack-depth 96 job.jfr | bench/jfr_profile.py

Only samples of Spark's task threads ("Executor task launch worker ...") count. Each sample
goes to the first category whose pattern matches a frame, walking from the leaf towards the
root, so that e.g. a copy inside Parquet's writer counts as Parquet writing.
"""
import re
import sys
from collections import Counter

CATEGORIES = [  # (name, pattern on a frame), first match from the leaf wins
    ("compression (snappy/zstd)", r"snappy|zstd|Snappy|Zstd|compress"),
    ("Parquet writing", r"org\.apache\.parquet\.(column|hadoop\.(ColumnChunkPageWriteStore|InternalParquetRecordWriter|ParquetFileWriter))|ParquetWriteSupport|ParquetOutputWriter|netsense\.spark\.(ResultParquetFormat|DriverParquet|PlainNumberWriters|TaskFileWrite)"),
    ("Parquet reading", r"VectorizedParquetRecordReader|VectorizedColumnReader|VectorizedRleValuesReader|VectorizedPlainValuesReader|ParquetFileFormat|parquet\.hadoop\.ParquetFileReader|ParquetColumnVector"),
    ("statistics", r"netsense\.core\.(GradientSummary|Moments|VectorMoments|QuantileSketch|DimensionQuantiles|BottomKSample|DeltaSummary|BootstrapSummary|GroupedSummaries)\b"),
    ("kernel", r"netsense\.core\.(GradientKernel|FloatGradientKernel|Vector|Plain|Blas|Activation|Kernel|MatrixProduct|FloatKernels|Attribution|Exp)"),
    ("netsense row handling", r"netsense\.spark\."),
    ("Spark row conversion", r"GeneratedClass|catalyst\.(expressions|encoders)|RowEncoder|ExpressionEncoder|CatalystTypeConverters|scala\.collection|GenericRow|UnsafeArrayData|UnsafeRow"),
    ("Spark other", r"org\.apache\.spark\."),
]


def classify(stack):
    for frame in stack:  # leaf first
        for name, pattern in CATEGORIES:
            if re.search(pattern, frame):
                return name
    return "other"


def main():
    counts = Counter()
    total = 0
    stack, thread = [], None
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("sampledThread"):
            thread = line
        elif line.startswith("stackTrace = ["):
            stack = []
        elif line == "]":
            if thread and "Executor task launch worker" in thread:
                total += 1
                counts[classify(stack)] += 1
            stack, thread = [], None
        elif stack is not None and line and not line.startswith(("jdk.ExecutionSample", "startTime", "state", "}")):
            stack.append(line)
    if not total:
        sys.exit("no samples of Spark task threads")
    print(f"{total} samples of task threads")
    for name, c in counts.most_common():
        print(f"  {100 * c / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
