// Temporary: replaced by the chip-description work (Command+Validate.swift, Command+Map.swift).
let validateCommand = Command(name: "validate", summary: "check a chip description file", help: "", run: { _, _ in 1 })
let mapCommand = Command(name: "map", summary: "place a network's neurons on a chip's cores", help: "", run: { _, _ in 1 })
