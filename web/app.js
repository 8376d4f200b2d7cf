// edgesight dashboard. Polls the device's API (docs/operations.md) and renders: health, a
// camera grid (snapshots refreshed several times a second; a click opens the MJPEG live view),
// per-camera charts of the last minutes (detection period, detect p99, glass-to-decision p99,
// computed from the histogram buckets of /api/metrics over 10 s windows), and the event
// timeline with crops and clip playback.
// For tests and scripts the page reports what it shows as data attributes on <body>:
// data-cameras-live (tiles showing an image), data-events, data-crops (crops loaded),
// data-clip-time (the player's currentTime). ?autoplay=1 plays the clip of the oldest event
// listed (the newest clip may still be being written).
'use strict';

const POLL_MS = 2000;
const WINDOW_S = 10;          // quantiles over this window
const HISTORY_POINTS = 150;   // 5 minutes at POLL_MS
const params = new URLSearchParams(location.search);
const state = { cameras: [], metrics: [], series: {}, charts: {}, clipStarted: false };

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  const body = await r.json().catch(() => ({}));
  return { ok: r.ok, status: r.status, body };
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e[k] = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function mark(name, value) { document.body.dataset[name] = String(value); }

// ---- health ----
async function refreshHealth() {
  const h = document.getElementById('health');
  try {
    const r = await getJson('/readyz');
    h.className = 'health ' + (r.body.ready ? 'ready' : 'not-ready');
    h.textContent = r.body.ready ? 'ready' : 'not ready: ' + (r.body.failed || []).join('; ');
  } catch (e) {
    h.className = 'health not-ready';
    h.textContent = 'device not answering';
  }
}

// ---- camera grid ----
function liveCount() {
  return [...document.querySelectorAll('.tile img')].filter(i => i.naturalWidth > 0).length;
}

function renderCameras(device, cameras) {
  document.getElementById('device').textContent = device;
  const grid = document.getElementById('cameras');
  for (const c of cameras) {
    let tile = document.getElementById('tile-' + c.id);
    if (!tile) {
      const img = el('img', { alt: c.id, title: 'open the live view' });
      img.onclick = () => window.open('/api/cameras/' + encodeURIComponent(c.id) + '/live.mjpg');
      img.onload = () => mark('camerasLive', liveCount());
      tile = el('div', { class: 'tile', id: 'tile-' + c.id }, img, el('div', { class: 'meta' }));
      grid.append(tile);
      const refresh = () => {
        const next = new Image();
        next.onload = () => { img.src = next.src; };
        next.src = '/api/cameras/' + encodeURIComponent(c.id) + '/snapshot.jpg?t=' + Date.now();
      };
      refresh();
      setInterval(refresh, 400);
    }
    const g2d = c.glass_to_decision_ms ? c.glass_to_decision_ms.p99 + ' ms p99' : '';
    const age = c.last_frame_age_s == null ? 'no frame' : c.last_frame_age_s.toFixed(1) + ' s ago';
    tile.querySelector('.meta').replaceChildren(
      el('b', {}, c.id), el('span', { class: 'state-' + c.state }, c.state),
      el('span', {}, 'period ' + c.detection.achieved_period_s + ' s'), el('span', {}, g2d),
      el('span', {}, age));
  }
}

// ---- charts: quantiles of the last WINDOW_S from cumulative histogram buckets ----
function histogramOf(metrics, name, camera) {
  const h = (metrics[name] || []).find(s => s.labels.camera === camera);
  return h ? h.buckets.map(b => ({ le: b.le === '+Inf' ? Infinity : b.le, count: b.count })) : null;
}

function quantile(now, then, q) {
  if (!now || !then) return null;
  const delta = now.map((b, i) => ({ le: b.le, count: b.count - (then[i] ? then[i].count : 0) }));
  const total = delta[delta.length - 1].count;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const b of delta) {
    if (b.count >= rank) {
      if (!isFinite(b.le)) return lower;
      const inBucket = b.count - below;
      return lower + (b.le - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1);
    }
    below = b.count; lower = b.le;
  }
  return lower;
}

function ensureChart(camera) {
  if (state.charts[camera] || typeof uPlot === 'undefined') return;
  const box = el('div', { class: 'chart', id: 'chart-' + camera });
  document.getElementById('charts').append(box);
  state.series[camera] = [[], [], [], []];
  state.charts[camera] = new uPlot({
    title: camera, width: 420, height: 200,
    scales: { x: { time: true } },
    series: [{}, { label: 'period s', stroke: '#8ab' },
             { label: 'detect p99 s', stroke: '#e9a23b' },
             { label: 'glass-to-decision p99 s', stroke: '#e55' }],
    axes: [{ stroke: '#aaa' }, { stroke: '#aaa' }],
  }, state.series[camera], box);
}

function updateCharts(metricsJson) {
  const now = Date.now() / 1000;
  state.metrics.push({ t: now, m: metricsJson });
  while (state.metrics.length > 1 && state.metrics[0].t < now - WINDOW_S) state.metrics.shift();
  const old = state.metrics[0].m;
  for (const c of state.cameras) {
    ensureChart(c.id);
    const s = state.series[c.id];
    if (!s) continue;
    const period = (metricsJson.edgesight_detection_period_seconds || [])
      .find(x => x.labels.camera === c.id);
    s[0].push(now);
    s[1].push(period ? period.value : null);
    s[2].push(quantile(histogramOf(metricsJson, 'edgesight_detect_seconds', c.id),
                       histogramOf(old, 'edgesight_detect_seconds', c.id), 0.99));
    s[3].push(quantile(histogramOf(metricsJson, 'edgesight_glass_to_decision_seconds', c.id),
                       histogramOf(old, 'edgesight_glass_to_decision_seconds', c.id), 0.99));
    for (const a of s) while (a.length > HISTORY_POINTS) a.shift();
    state.charts[c.id].setData(s);
  }
}

// ---- events ----
function playClip(camera, clip, title) {
  const player = document.getElementById('player');
  const video = document.getElementById('clip');
  player.hidden = false;
  video.src = '/api/cameras/' + encodeURIComponent(camera) + '/clips/' + encodeURIComponent(clip);
  video.ontimeupdate = () => mark('clipTime', video.currentTime);
  video.onerror = () => mark('clipError', video.error ? video.error.code : 'unknown');
  document.getElementById('clip-title').textContent = title;
  video.play().catch(() => {});
}

function renderEvents(events) {
  const body = document.querySelector('#events tbody');
  const rows = events.map(e => {
    const what = e.type + ' ' + e.phase;
    const where = e.zone || e.line || '';
    const crop = e.has_crop ? el('img', { alt: 'crop', src: '/api/events/crop?id=' + encodeURIComponent(e.id) }) : '';
    if (crop) crop.onload = () => mark('crops', document.querySelectorAll('#events img').length);
    const clip = e.clip ? el('button', { onclick: () => playClip(e.stream, e.clip, e.id) }, 'play') : '';
    return el('tr', { 'data-id': e.id },
      el('td', {}, new Date(e.t_unix_ms).toLocaleTimeString()), el('td', {}, e.stream),
      el('td', {}, what), el('td', {}, '#' + e.track_id), el('td', {}, where),
      el('td', {}, crop), el('td', {}, clip));
  });
  body.replaceChildren(...rows);
  mark('events', events.length);
  if (params.get('autoplay') === '1' && !state.clipStarted) {
    const withClip = [...events].reverse().find(e => e.clip);
    if (withClip) {
      state.clipStarted = true;
      playClip(withClip.stream, withClip.clip, withClip.id);
    }
  }
}

// ---- loop ----
async function tick() {
  try {
    const cams = await getJson('/api/cameras');
    if (cams.ok) {
      state.cameras = cams.body.cameras;
      renderCameras(cams.body.device, state.cameras);
    }
    const metrics = await getJson('/api/metrics');
    if (metrics.ok) updateCharts(metrics.body);
    const events = await getJson('/api/events?limit=50');
    if (events.ok) renderEvents(events.body.events);
  } catch (e) {
    // The device went away (end of run): the health line says so.
  }
  refreshHealth();
}

tick();
setInterval(tick, POLL_MS);
