import Testing

@testable import StrictJSON

@Suite("JSON pointer")
struct JSONPointerTests {
    let document: JSONValue = ["a": ["b": [10, 20, ["c/d": 1, "e~f": 2]]], "": 3]

    @Test func resolvesKeysIndicesAndEscapes() {
        #expect(document.resolve(JSONPath(pointer: "/a/b/1")!) == 20)
        #expect(document.resolve(JSONPath(pointer: "/a/b/2/c~1d")!) == 1)
        #expect(document.resolve(JSONPath(pointer: "/a/b/2/e~0f")!) == 2)
        #expect(document.resolve(JSONPath(pointer: "/")!) == 3)
        #expect(document.resolve(JSONPath(pointer: "")!) == document)
    }

    @Test func pathsThatLeadNowhereResolveToNil() {
        #expect(document.resolve(JSONPath(pointer: "/a/x")!) == nil)
        #expect(document.resolve(JSONPath(pointer: "/a/b/3")!) == nil)
        #expect(document.resolve(JSONPath(pointer: "/a/b/01")!) == nil)
        #expect(document.resolve(JSONPath(pointer: "/a/b/1/deeper")!) == nil)
    }

    @Test func rejectsMalformedPointers() {
        #expect(JSONPath(pointer: "a/b") == nil)
        #expect(JSONPath(pointer: "/a~2") == nil)
        #expect(JSONPath(pointer: "/a~") == nil)
    }

    @Test func printsBackAsTheSamePointer() {
        for text in ["/a/b/2/c~1d", "/router/hop/x/energy_j", "/e~0f"] {
            #expect(JSONPath(pointer: text)!.description == text)
        }
    }
}
