print("neuromesh-bench: no workloads yet")
