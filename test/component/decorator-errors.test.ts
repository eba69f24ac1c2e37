// Decorator mistakes fail when the class is defined (ERR_ETHER_DECORATOR), naming the decorator, the
// method and where the class is (method decorators are not told their class's name).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { every, pub, start, sub } from "../../src/component/index.js";

const HERE = /decorator-errors\.test\.js:\d+:\d+/;

function decoratorError(pattern: RegExp): { code: string; message: RegExp } {
  return { code: "ERR_ETHER_DECORATOR", message: pattern };
}

/** A hand-made method context, for cases TypeScript would not compile. */
function context(overrides: Record<string, unknown>): ClassMethodDecoratorContext {
  return {
    kind: "method",
    name: "m",
    static: false,
    private: false,
    metadata: {},
    addInitializer() {},
    access: { has: () => true, get: () => undefined },
    ...overrides,
  } as unknown as ClassMethodDecoratorContext;
}

describe("decoration-time errors", () => {
  it("a bad period names the decorator, the method, the place of the class, and the accepted units", () => {
    assert.throws(() => {
      class Sensor {
        @every("10 parsecs") read(): void {}
      }
      return Sensor;
    }, decoratorError(/^@every\("10 parsecs"\) on method read \(class at .+\): unit "parsecs" is not one of ns, us, ms, s, min, h, Hz, kHz$/));
  });

  it("the place is this file (the class body), not the decorator's own module", () => {
    try {
      class Sensor {
        @every(-1) read(): void {}
      }
      assert.fail(String(Sensor));
    } catch (e) {
      assert.match((e as Error).message, HERE);
      assert.match((e as Error).message, /at least 1 µs/);
    }
  });

  it("rejects { hz: 0 }, NaN, bare numeric strings and objects with other keys", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ hz: 0 }, /hz must be a finite number above 0/],
      [Number.NaN, /must be finite/],
      ["250", /"250" has no unit: write "250ms"/],
      [{ ms: 10 }, /an object period is \{ hz: number \}; got keys ms/],
      [null, /got null/],
    ];
    for (const [period, reason] of bad) {
      assert.throws(() => every(period as never)(function m() {}, context({})), decoratorError(reason), String(period));
    }
  });

  it("rejects empty, non-string and too long topics", () => {
    assert.throws(() => pub("")(function m() {}, context({})), decoratorError(/topic cannot be empty/));
    assert.throws(() => sub(42 as unknown as string)(function m() {}, context({})), decoratorError(/must be a string, got number/));
    assert.throws(() => pub("t".repeat(129))(function m() {}, context({})), decoratorError(/129 bytes; at most 128/));
  });

  it("rejects unknown @sub options and a schema that is not zod", () => {
    assert.throws(
      () => sub("t", { schema: undefined, shcema: 1 } as never)(function m() {}, context({})),
      decoratorError(/unknown option shcema; known: schema, concurrency/),
    );
    assert.throws(() => sub("t", { schema: {} as never })(function m() {}, context({})), decoratorError(/must be a zod schema/));
    for (const concurrency of [0, 1.5, -2, 2000, "4"]) {
      assert.throws(() => sub("t", { concurrency } as never)(function m() {}, context({})), decoratorError(/options\.concurrency must be a whole number from 1 to 1024, got /), String(concurrency));
    }
  });

  it("rejects static and #private methods", () => {
    assert.throws(() => {
      class S {
        @pub() static make(): object {
          return {};
        }
      }
      return S;
    }, decoratorError(/^@pub\(\) on method make .*instance methods only, not static ones/));
    assert.throws(() => {
      class P {
        @sub("x") #hidden(): void {}
        use(): void {
          this.#hidden();
        }
      }
      return P;
    }, decoratorError(/cannot decorate a #private method/));
  });

  it("rejects getters, fields and generator methods", () => {
    assert.throws(() => start()(function m() {}, context({ kind: "getter" })), decoratorError(/decorates methods only, not a getter/));
    assert.throws(() => {
      class G {
        @sub("x") *gen(): Generator<number> {
          yield 1;
        }
      }
      return G;
    }, decoratorError(/cannot decorate a generator method/));
  });

  it("rejects the same topic twice, and @sub with @start or @every", () => {
    assert.throws(() => {
      class D {
        @pub("x") @pub("x") m(): void {}
      }
      return D;
    }, decoratorError(/already publishes on "x"/));
    assert.throws(() => {
      class D {
        @sub() @sub() m(): void {}
      }
      return D;
    }, decoratorError(/already subscribes to its default topic/));
    assert.throws(() => {
      class D {
        @start() @sub("x") m(): void {}
      }
      return D;
    }, decoratorError(/already @sub; a method is called either with messages/));
    assert.throws(() => {
      class D {
        @sub("x") @every("1s") m(): void {}
      }
      return D;
    }, decoratorError(/already @every/));
    assert.throws(() => {
      class D {
        @every("1s") @every("2s") m(): void {}
      }
      return D;
    }, decoratorError(/one period per method/));
  });

  it("a decorator used without parentheses (JavaScript) is an error, not a silently replaced method", () => {
    const asJs = (f: unknown) => f as (value: unknown, ctx: ClassMethodDecoratorContext) => unknown;
    for (const [decorator, text] of [[pub, "@pub"], [sub, "@sub"], [start, "@start"], [every, "@every"]] as const) {
      assert.throws(() => asJs(decorator)(function m() {}, context({})), decoratorError(new RegExp(`^${text} on method m .*call the decorator: ${text}\\(\\)`)));
    }
  });

  it("explains a missing Symbol.metadata (context.metadata undefined)", () => {
    assert.throws(() => start()(function m() {}, context({ metadata: undefined })), decoratorError(/Symbol\.metadata was not defined.*import "etherflow"/));
  });

  it("TypeScript rejects a @pub method that returns a number", () => {
    class Typed {
      // @ts-expect-error a number is not a message
      @pub() n(): number {
        return 1;
      }
    }
    assert.equal(new Typed().n(), 1);
  });
});
