// Browsing what a Sparkplug host saw born: nodes, devices, metrics, in pages.
import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/main/runtime/drivers/driver';
import { BROWSE_PAGE, browseBirths } from '../../../src/main/runtime/drivers/sparkplug/browse';
import { DataType } from '../../../src/main/runtime/sparkplug/types';

const births = new Map<string, Map<string, number>>([
  [
    'edge-b',
    new Map([
      ['edge-b//bdSeq', DataType.Int64],
      ['edge-b//Node Control/Rebirth', DataType.Boolean],
      ['edge-b//Node Info/Hostname', DataType.String],
      ['edge-b/plc1/Plant/Tank/Level', DataType.Float],
      ['edge-b/plc1/Plant/Pump/Run', DataType.Boolean],
      ['edge-b/plc2/Counts', DataType.UInt64],
      ['edge-b/plc2/Table', DataType.DataSet],
    ]),
  ],
  ['edge-a', new Map()],
]);

describe('browsing Sparkplug births', () => {
  it('lists edge nodes, then a node’s devices and own metrics, then a device’s metrics with their types', () => {
    expect(browseBirths(births, undefined).children.map((c) => [c.name, c.address, c.hasChildren])).toEqual([
      ['edge-a', 'edge-a', true],
      ['edge-b', 'edge-b', true],
    ]);
    // The protocol's own metrics (bdSeq, Node Control) are not process values.
    expect(browseBirths(births, 'edge-b').children).toEqual([
      { name: 'plc1', address: 'edge-b/plc1', type: null, writable: false, hasChildren: true },
      { name: 'plc2', address: 'edge-b/plc2', type: null, writable: false, hasChildren: true },
      { name: 'Node Info/Hostname', address: 'edge-b//Node Info/Hostname', type: 'string', writable: true, hasChildren: false },
    ]);
    expect(browseBirths(births, 'edge-b/plc2').children).toEqual([
      { name: 'Counts', address: 'edge-b/plc2/Counts', type: 'uint64', writable: true, hasChildren: false },
      // A data set has no tag type: shown, but not something a tag can hold.
      { name: 'Table', address: 'edge-b/plc2/Table', type: null, writable: false, hasChildren: false },
    ]);
  });

  it('names what it does not know', () => {
    expect(() => browseBirths(births, 'edge-c')).toThrow(AddressError);
    expect(() => browseBirths(births, 'edge-c')).toThrow('no edge node "edge-c" has been born');
    expect(() => browseBirths(births, 'edge-b/plc9')).toThrow('no device "plc9" of edge-b has been born');
    expect(() => browseBirths(births, 'edge-b', 'x')).toThrow('continuation "x" is not one this browse gave');
  });

  it('pages a large device with a continuation', () => {
    const many = new Map<string, number>();
    for (let i = 0; i < BROWSE_PAGE * 2 + 5; i++) many.set(`big/dev/m${String(i).padStart(5, '0')}`, DataType.Double);
    const all = new Map([['big', many]]);
    const names: string[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = browseBirths(all, 'big/dev', continuation);
      names.push(...page.children.map((c) => c.name));
      continuation = page.continuation;
      pages++;
    } while (continuation !== undefined);
    expect(pages).toBe(3);
    expect(names).toHaveLength(BROWSE_PAGE * 2 + 5);
    expect(new Set(names).size).toBe(names.length);
  });
});
