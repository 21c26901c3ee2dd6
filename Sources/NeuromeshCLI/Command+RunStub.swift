// Temporary: replaced by Command+Run.swift.
let runCommand = Command(name: "run", summary: "run a network on an emulated chip", help: "", run: { _, _ in 1 })
