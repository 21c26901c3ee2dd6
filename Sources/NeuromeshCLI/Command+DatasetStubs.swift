// Temporary: replaced by the dataset work (Command+Dataset.swift).
let datasetCommand = Command(name: "dataset", summary: "print the samples of a dataset", help: "", run: { _, _ in 1 })
