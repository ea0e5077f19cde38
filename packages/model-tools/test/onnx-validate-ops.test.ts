import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx } from '../src/onnx/codec.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import type { IModelProto, NodeProto } from '../src/onnx/proto.js';
import { validateOps } from '../src/onnx/validate-ops.js';

const SILERO = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

function modelWith(nodes: NodeProto[], functions: IModelProto['functions'] = []): IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', node: nodes },
    functions,
  };
}

function thenBranch(node: NodeProto): NodeProto {
  return {
    name: 'branch',
    opType: 'If',
    input: ['cond'],
    output: ['y'],
    attribute: [
      { name: 'then_branch', type: 5, g: { name: 'then', node: [node] } },
      {
        name: 'else_branch',
        type: 5,
        g: { name: 'else', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }] },
      },
    ],
  };
}

describe('validateOps', () => {
  it('accepts Silero VAD, standard ops in subgraphs, and com.microsoft MatMulNBits', () => {
    expect(() => validateOps(decodeOnnx(new Uint8Array(readFileSync(SILERO))))).not.toThrow();
    const nbits = {
      name: 'q4',
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      input: ['a', 'b'],
      output: ['y'],
    };
    expect(() => validateOps(modelWith([nbits]))).not.toThrow();
  });

  it('throws UNKNOWN_OP naming the op and the node', () => {
    const model = modelWith([{ name: 'mystery_1', opType: 'FancyActivation', input: ['x'], output: ['y'] }]);
    expect(() => validateOps(model)).toThrow(ModelToolsError);
    try {
      validateOps(model);
    } catch (error) {
      expect((error as ModelToolsError).code).toBe('UNKNOWN_OP');
      expect((error as ModelToolsError).message).toMatch(/node "mystery_1" uses op "FancyActivation"/);
    }
  });

  it('finds an unknown op inside an If branch, and a custom domain', () => {
    const hidden = thenBranch({ name: 'inner', opType: 'Relu6', input: ['x'], output: ['y'] });
    expect(() => validateOps(modelWith([hidden]))).toThrow(/node "inner" uses op "Relu6"/);
    const custom = { name: 'c', opType: 'Relu', domain: 'com.example', input: ['x'], output: ['y'] };
    expect(() => validateOps(modelWith([custom]))).toThrow(/"com.example.Relu"/);
  });

  it('accepts an op defined as a function in the model', () => {
    const node = { name: 'f', opType: 'MyGelu', domain: 'local', input: ['x'], output: ['y'] };
    expect(() => validateOps(modelWith([node], [{ name: 'MyGelu', domain: 'local' }]))).not.toThrow();
  });
});

describe('inspectOnnx on Silero VAD v5', () => {
  it('counts ops inside If branches and lists the real interface', () => {
    const bytes = new Uint8Array(readFileSync(SILERO));
    const info = inspectOnnx(bytes);
    expect(info.inputs.map((i) => [i.name, i.dtype])).toEqual([
      ['input', 'float32'],
      ['state', 'float32'],
      ['sr', 'int64'],
    ]);
    expect(info.outputs.map((o) => o.name)).toEqual(['output', 'stateN']);
    // The top graph holds 5 nodes; the network (both sample rates) lives in If branches.
    expect(info.opHistogram).toMatchObject({ If: 25, Conv: 12, LSTM: 4 });
    expect(Object.values(info.opHistogram).reduce((a, b) => a + b, 0)).toBeGreaterThan(600);
    expect(info.parameterCount).toBeGreaterThan(500_000);
    expect(info.initializerBytes).toBeLessThan(info.bytes);
  });
});
