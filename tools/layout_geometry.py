"""Geometry of the BPMN layout: columns, rows inside lane bands, orthogonal edge routes.

Pure functions over ids; tools.bpmn_layout reads the XML and writes the DI. The method is a small
Sugiyama-style layering: longest-path columns with DFS back edges ignored, a dummy point in every
column a long flow crosses (so flows never run through a node), rows ordered by the mean row of
their predecessors, each placed level with its highest predecessor when free, real nodes before
flow dummies.
"""
from dataclasses import dataclass, field

SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
ROW = 140     # height of one row inside a lane band
GAP = 80      # free space between two columns (room for flow labels)
PAD = 40      # space between a band's left edge and the first column
CHANNEL = 22  # how far below a node a loop-back flow runs
SPREAD = 7    # distance between parallel flows in a shared gap or row


class Box:
    """A shape's bounds, built from its centre."""

    def __init__(self, cx, cy, w, h):
        self.x, self.y, self.w, self.h = cx - w / 2, cy - h / 2, w, h

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    @property
    def right(self):
        return self.x + self.w

    @property
    def bottom(self):
        return self.y + self.h


@dataclass
class Graph:
    """What a container holds: nodes in document order, their kinds and lanes, flows, boundary events."""

    nodes: list
    kinds: dict
    flows: list                      # (source, target, flow id); a source may be a boundary event
    boundaries: dict                 # host id -> [boundary event ids]
    lane_of: dict = field(default_factory=dict)
    lanes: list = field(default_factory=list)
    starts: list = field(default_factory=list)


def layers(nodes, edges, starts):
    """Longest-path column of each node, ignoring back edges found by DFS; returns (column, back)."""
    succ = {n: [] for n in nodes}
    for s, t in edges:
        succ[s].append(t)
    state, back = {}, set()
    for root in list(starts) + [n for n in nodes if n not in starts]:
        if root in state:
            continue
        # Iterative DFS: a flow into a node still on the stack closes a loop.
        state[root] = "open"
        stack = [(root, iter(succ[root]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = "done"
                stack.pop()
            elif state.get(nxt) == "open":
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = "open"
                stack.append((nxt, iter(succ[nxt])))
    indeg = {n: 0 for n in nodes}
    for s, t in edges:
        if (s, t) not in back:
            indeg[t] += 1
    column = {n: 0 for n in nodes}
    ready = [n for n in nodes if indeg[n] == 0]
    while ready:
        node = ready.pop(0)
        for t in succ[node]:
            if (node, t) in back:
                continue
            column[t] = max(column[t], column[node] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    return column, back


def _reach(nodes, edges):
    """Longest number of forward flows from each node to an end."""
    succ = {n: [] for n in nodes}
    for s, t in edges:
        succ[s].append(t)
    reach = {}

    def visit(n):
        # Iterative post-order: processes can be long enough to hit Python's recursion limit.
        stack = [(n, False)]
        while stack:
            node, done = stack.pop()
            if node in reach:
                continue
            if done:
                reach[node] = max([reach[t] + 1 for t in succ[node]] or [0])
            else:
                stack.append((node, True))
                stack.extend((t, False) for t in succ[node] if t not in reach)
    for n in nodes:
        visit(n)
    return reach


def _mean(values):
    return sum(values) / len(values) if values else None


def place(graph: Graph, origin_x, origin_y, label_col):
    """Boxes for nodes and boundary events, dummy points of long flows, lane bands and size."""
    host_of = {b: h for h, bs in graph.boundaries.items() for b in bs}
    node_set = set(graph.nodes)
    flows = [(s, t, fid, host_of.get(s, s)) for s, t, fid in graph.flows
             if host_of.get(s, s) in node_set and t in node_set]
    column, back = layers(graph.nodes, [(n, t) for _, t, _, n in flows], graph.starts)
    bands = graph.lanes or [None]
    lane = {n: graph.lane_of.get(n) if graph.lanes else None for n in graph.nodes}
    # Items are real nodes and dummies ("~flow~column") of forward flows spanning several columns.
    col, preds, order = dict(column), {n: [] for n in graph.nodes}, {n: i for i, n in enumerate(graph.nodes)}
    chains = {}
    for _s, t, fid, src in flows:
        if (src, t) in back:
            continue
        prev = src
        chain = []
        for c in range(column[src] + 1, column[t]):
            d = f"~{fid}~{c}"
            col[d], lane[d], preds[d], order[d] = c, lane[src], [prev], len(order)
            chain.append(d)
            prev = d
        preds[t].append(prev)
        chains[fid] = chain
    reach = _reach(graph.nodes, [(src, t) for _, t, _, src in flows if (src, t) not in back])
    row = {}
    for c in sorted(set(col.values())):
        for band in bands:
            group = [i for i in col if col[i] == c and lane[i] == band]
            # Of siblings, the one with the longest way still to go is the main path and takes the top row.
            group.sort(key=lambda i: (i.startswith("~"), _mean([row[p] for p in preds[i] if p in row]) or 0,
                                      -reach.get(i, 0), order[i]))
            taken = set()
            for i in group:
                # The highest predecessor row keeps a main path straight; branches stack below it.
                want = min([row[p] for p in preds[i] if p in row and lane[p] == band] or [0])
                while want in taken:
                    want += 1
                row[i] = want
                taken.add(want)
    ncols = max(col.values(), default=0) + 1
    widths = [GAP + max([SIZES[graph.kinds[n]][0] for n in graph.nodes if col[n] == c] or [36]) for c in range(ncols)]
    left = [origin_x + label_col + PAD]
    for w in widths:
        left.append(left[-1] + w)
    band_y, y = {}, origin_y
    rows_in = {b: 1 + max([row[i] for i in row if lane[i] == b] or [0]) for b in bands}
    for band in bands:
        band_y[band] = y
        y += rows_in[band] * ROW

    def centre(i):
        return left[col[i]] + widths[col[i]] / 2 - GAP / 2, band_y[lane[i]] + row[i] * ROW + ROW / 2

    boxes = {n: Box(*centre(n), *SIZES[graph.kinds[n]]) for n in graph.nodes}
    # Flows sharing a gap or a row of dummies run a few pixels apart, so each stays traceable.
    spread = {fid: (k % 5 - 2) * SPREAD for k, (_, _, fid, _) in enumerate(flows)}
    for host, bs in graph.boundaries.items():
        if host in boxes:
            hb = boxes[host]
            for k, b in enumerate(bs):
                boxes[b] = Box(hb.right - 22 - k * 40, hb.bottom, 36, 36)
    return {"boxes": boxes, "kinds": graph.kinds, "flows": flows, "col": col, "back": back, "left": left,
            "host_of": host_of, "dummies": {fid: [(centre(d)[0], centre(d)[1] + spread[fid], col[d]) for d in ch]
                                             for fid, ch in chains.items()},
            "spread": spread,
            "lanes": [(b, band_y[b], rows_in[b] * ROW) for b in graph.lanes],
            "width": left[-1] - GAP + PAD - origin_x, "height": y - origin_y}


def _column_clear(geo, src, y1, y2):
    """No other node of src's column lies between heights y1 and y2."""
    lo, hi = sorted((y1, y2))
    c = geo["col"][src]
    return not any(geo["col"].get(n) == c and n != src and lo - 1 < b.cy < hi + 1
                   for n, b in geo["boxes"].items() if n in geo["col"])


def route(geo, src, tgt, fid):
    """Orthogonal waypoints of one flow, from src's bounds to tgt's bounds."""
    boxes, host_of = geo["boxes"], geo["host_of"]
    s, t = boxes[src], boxes[tgt]
    node = host_of.get(src, src)
    if (node, tgt) in geo["back"] or geo["col"][tgt] <= geo["col"][node]:
        x0 = s.cx - 20 if geo["kinds"].get(src) == "task" else s.cx
        if abs(s.cy - t.cy) < 1:
            # Loop back along a row: run just below it and enter the target from below.
            channel = max(s.bottom, t.bottom) + CHANNEL + geo["spread"][fid] + 2 * SPREAD
            return [(x0, s.bottom), (x0, channel), (t.cx, channel), (t.cx, t.bottom)]
        # Loop back to another row: below the source's row, then up or down in the gap before the target.
        channel = s.bottom + CHANNEL + geo["spread"][fid] + 2 * SPREAD
        xg = geo["left"][geo["col"][tgt]] - GAP / 2 + geo["spread"][fid]
        return [(x0, s.bottom), (x0, channel), (xg, channel), (xg, t.cy), (t.x, t.cy)]
    vias = geo["dummies"].get(fid, []) + [(t.cx, t.cy, geo["col"][tgt])]
    first_y = vias[0][1]
    if src in host_of:
        # A boundary event leaves from its bottom, then turns towards the next column.
        if first_y > s.bottom and _column_clear(geo, node, s.bottom, first_y + 1):
            points = [(s.cx, s.bottom), (s.cx, first_y)]
        else:
            low = s.bottom + CHANNEL / 2
            boundary = geo["left"][geo["col"][node] + 1] - GAP / 2
            points = [(s.cx, s.bottom), (s.cx, low), (boundary, low), (boundary, first_y)]
    elif abs(first_y - s.cy) < ROW / 2:  # same row (a spread dummy jogs in the next gap)
        points = [(s.right, s.cy)]
    elif geo["kinds"].get(src) == "gateway" and _column_clear(geo, src, s.cy, first_y):
        points = [(s.cx, s.bottom if first_y > s.cy else s.y), (s.cx, first_y)]
    else:
        points = [(s.right, s.cy)]
    for k, (vx, vy, c) in enumerate(vias):
        x, y = points[-1]
        last = k == len(vias) - 1
        if abs(vy - y) >= 1:
            # Change rows in the free gap just left of the next column.
            xb = geo["left"][c] - GAP / 2 + geo["spread"][fid]
            points += [(xb, y), (xb, vy)]
        points.append((t.x, vy) if last else (vx, vy))
    return _simplify(points)


def _simplify(points):
    """Drop repeated and collinear middle points."""
    out = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 0.01 and abs(bx - p[0]) < 0.01) or (abs(ay - by) < 0.01 and abs(by - p[1]) < 0.01):
                out[-1] = p
                continue
        out.append(p)
    return out
