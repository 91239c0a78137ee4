// The hierarchy editor's graph (webroot/js/pages/config/hierarchies/graph.js), without a
// browser: the site file's tree read into bricks and links and written back unchanged; links
// only in the direction of flow; the server's error paths found on the bricks they name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, fromYaml, toYaml, elementOfError } from '../../webroot/js/pages/config/hierarchies/graph.js';

const TREE = {
  name: 'Electricity', fluid: 'electricity',
  root: {
    name: 'Site', meter: 'tgbt/1', loads: ['tgbt/2'], hierarchies: [],
    children: [
      { name: 'Floor 1', meter: 'floor1/1', loads: ['floor1/2', 'floor1/3'], hierarchies: [], children: [] },
      { name: 'Annex building', loads: [], hierarchies: ['Annex'], children: [] },
    ],
  },
};

const byName = (g, name) => [...g.elements.values()].find((e) => e.name === name);

test('a hierarchy read into the graph is written back as it was', () => {
  const g = fromYaml(TREE);
  assert.equal(g.elements.size, 9);
  assert.ok(byName(g, 'Site').root);
  const { root, issues } = toYaml(g);
  assert.deepEqual(root, TREE.root);
  assert.deepEqual(issues, []);
  // Every brick got a place, none on top of another.
  const spots = new Set([...g.elements.values()].map((e) => `${e.x},${e.y}`));
  assert.equal(spots.size, g.elements.size);
});

test('connect refuses links against the flow and says why', () => {
  const g = new Graph();
  const site = g.add('node', 'Site', 0, 0, true).id;
  const floor = g.add('node', 'Floor').id;
  const room = g.add('node', 'Room').id;
  const meter = g.add('load', 'tgbt/1').id;
  const meter2 = g.add('load', 'tgbt/9').id;
  const load = g.add('load', 'floor/2').id;
  const load2 = g.add('load', 'floor/3').id;
  const son = g.add('hier', 'Annex').id;
  assert.equal(g.connect(site, floor), null);
  assert.equal(g.connect(floor, room), null);
  assert.equal(g.connect(room, site), 'root_child');
  assert.equal(g.connect(room, floor), 'twice');
  assert.equal(g.connect(site, room), 'two_parents');
  assert.equal(g.connect(meter, site), null); // the site's meter
  assert.equal(g.connect(meter2, site), 'one_meter');
  assert.equal(g.connect(meter, floor), 'load_once');
  assert.equal(g.connect(floor, load), null);
  assert.equal(g.connect(room, load), 'load_once');
  assert.equal(g.connect(load, load2), 'direction');
  assert.equal(g.connect(son, room), 'direction');
  assert.equal(g.connect(room, son), null);
  assert.equal(g.connect(floor, son), 'hier_once');
  assert.equal(g.connect(floor, floor), 'self');
  const { root, issues } = toYaml(g);
  assert.deepEqual(root, {
    name: 'Site', meter: 'tgbt/1', loads: [], hierarchies: [],
    children: [{ name: 'Floor', loads: ['floor/2'], hierarchies: [],
      children: [{ name: 'Room', loads: [], hierarchies: ['Annex'], children: [] }] }],
  });
  // The bricks linked to nothing are named, not saved.
  assert.deepEqual(issues.map((i) => g.elements.get(i.id).name).sort(), ['floor/3', 'tgbt/9']);
  // A cycle of nodes cannot be drawn even away from the principal node.
  const a = g.add('node', 'A').id;
  const b = g.add('node', 'B').id;
  const c = g.add('node', 'C').id;
  assert.equal(g.connect(a, b), null);
  assert.equal(g.connect(b, c), null);
  assert.equal(g.connect(c, a), 'cycle');
});

test("the server's error paths land on the bricks they name", () => {
  const g = fromYaml(TREE);
  const { paths } = toYaml(g);
  const at = (path, message) => g.elements.get(elementOfError(g, paths, path, message))?.name;
  assert.equal(at('root.children[0].loads', "load 'floor1/3': source has no such circuit"), 'floor1/3');
  assert.equal(at('root.children[0].meter', 'whatever'), 'floor1/1');
  assert.equal(at('root.children[1].hierarchies', "hierarchy 'Annex' links into a cycle"), 'Annex');
  assert.equal(at('root.children[0].name', "node name 'Floor 1' is already used"), 'Floor 1');
  assert.equal(at('root.children[1]', 'x'), 'Annex building');
  assert.equal(at('root', 'x'), 'Site');
});
