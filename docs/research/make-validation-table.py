import json, re
MLPERF_INPUT = 222
MLPERF_NOTE = 'Input 222 tokens: the mean of the MLPerf llama2-70b dataset\'s tok_input_length (5,463,976 tokens over 24,576 samples, recomputed from the official open_orca_gpt4_tokenized_llama.sampled_24576.pkl.gz by FlashLab-MBZUAI/HBFSim validation/calibration/h100-llama2-70b-calibration-protocol.json and by openshift-psap/performance-dashboard mlperf-data/summaries/llama2-70b-99.csv; MLCommons states no mean). '
sb = json.load(open('docs/research/serving-benchmarks.json'))['rows']
tc = json.load(open('docs/research/validation-training-candidates.json'))['rows']
cases = []
def slug(s):
    return re.sub(r'[^a-z0-9]+', '-', s.lower()).strip('-')
# Training: the candidates (the published runs the MFU trend is fitted on are added by the engine).
for r in tc:
    t = dict(r['scenario']['training'])
    t.pop('mfu', None)
    steady = r['kind'] == 'steady-state'
    if not steady:
        t.pop('goodput', None)
    sc = {'model': r['scenario']['model'], 'training': t}
    cases.append({
        'id': slug(r['name']),
        'name': r['name'],
        'regime': 'training-steady-state' if steady else 'training-whole-run',
        'figure': 'training.accelerator_hours',
        'published': r['published_accelerator_hours'],
        'scenario': sc,
        'source': r['source'],
        'note': r.get('assumptions', ''),
    })
skipped = []
for r in sb:
    acc = r['accelerator_in_repo']; preset = r['model_preset_in_repo']
    if not acc or not preset:
        skipped.append((r['id'], 'accelerator or model not in the catalogue')); continue
    w = r['weights_precision'].split(' ')[0]
    inp, out = r['input_tokens'], r['output_tokens']
    load = r['load']; metric = r['metric']
    n = r['accelerator_count']; tp = r['tensor_parallel'] or None; pp = r['pipeline_parallel'] or 1
    note = r.get('notes') or ''
    if inp is None:
        if 'mlperf' not in (r['source'] + r['engine']).lower():
            skipped.append((r['id'], 'mean input length not published')); continue
        inp = MLPERF_INPUT
        note = MLPERF_NOTE + note
    if tp is None:
        tp = 1
        note = 'Tensor parallelism not published: one replica per accelerator assumed. ' + note
    replicas = n / (tp * pp)
    figure = None; batch = None
    offline = load.get('offline_max') or load.get('request_rate') == 'inf'
    if metric in ('output_tokens_per_second', 'throughput_tokens_per_second') and offline and r['per'] == 'system':
        figure = 'serving.max_output_tokens_per_second'
    elif metric == 'total_tokens_per_second' and offline:
        figure = 'serving.max_total_tokens_per_second'
    elif metric in ('end_to_end_latency_mean_batch', 'end_to_end_latency_batch') and 'batch' in load:
        figure = 'serving.e2e_ms_at_batch'; batch = load['batch']
    elif metric == 'output_tokens_per_second' and load.get('batch') == 1 and r['per'] == 'request':
        figure = 'serving.e2e_ms_at_batch'; batch = 1
    elif metric in ('ttft_mean', 'itl_mean') and load.get('concurrency') == 1:
        figure = 'serving.ttft_ms_at_batch' if metric == 'ttft_mean' else 'serving.tpot_ms_at_batch'; batch = 1
    if figure is None:
        skipped.append((r['id'], f"{metric} at a load ({json.dumps(load)}): latency at a load is issue 16's")); continue
    value = r['value']
    if figure == 'serving.e2e_ms_at_batch':
        if r['unit'] in ('s', 'seconds'):
            value = value * 1000
        if metric == 'output_tokens_per_second':
            value = out / value * 1000
    serving = {'accelerator': acc, 'parallelism': {'tensor': tp} if pp == 1 else {'tensor': tp, 'pipeline': pp},
               'weight_precision': w, 'input_tokens': inp, 'output_tokens': out}
    if r.get('kv_precision'):
        serving['kv_cache_precision'] = r['kv_precision'].split(' ')[0]
    io = 'decode-heavy' if out >= 4 * inp else 'prefill-heavy' if inp >= 4 * out else 'balanced'
    c = {
        'id': r['id'],
        'name': f"{preset} on {n}× {acc} ({w}), {inp}/{out}" + (f", batch {batch}" if batch else "") + f", {r['engine'].split(' (')[0].split(' + ')[0].split(' /')[0]}",
        'regime': 'serving-' + io,
        'figure': figure,
        'published': value,
        'scenario': {'model': {'preset': preset}, 'serving': serving},
        'source': r['source'] + '; ' + r['table_or_figure'],
        'note': note,
    }
    if replicas != 1: c['replicas'] = replicas
    if batch: c['batch'] = batch
    cases.append(c)
print(len(cases), sum(c['regime'].startswith('serving') for c in cases))
for s in skipped: print('skip', s)
json.dump({'cases': cases}, open('/tmp/validation-cases.json', 'w'), indent=1, ensure_ascii=False)

# MosaicML's llm-foundry benchmark tables at several cluster sizes (steady state): MPT-7b, 30b
# and 70b, whose shapes the candidates above give; rows already among the candidates are not
# repeated.
tb = json.load(open('docs/research/training-throughput-benchmarks.json'))['rows']
shapes = {}
for r in tc:
    if r['name'].startswith('MPT-') and r['kind'] == 'steady-state':
        shapes[r['name'].split(',')[0].lower()] = r['scenario']['model']
have = {c['name'] for c in cases}
for r in tb:
    if r['source_group'] != 'mosaicml_llm_foundry' or r['seq_len'] != 2048 or 'fp8' in r['precision']:
        continue
    key = r['model'].lower()
    if key not in shapes:
        continue
    acc = {'H100': 'h100-sxm'}.get(r['gpu']) or ('a100-sxm-40gb' if '40GB' in r['table'] else 'a100-sxm-80gb')
    name = f"{r['model'].upper().replace('B', 'B')}, {r['num_gpus']}x {r['gpu']}{' 40GB' if acc == 'a100-sxm-40gb' else ''}, BF16, batch {r['global_batch_size']}"
    label = f"{r['model'].replace('b', 'B')}, {r['num_gpus']}x {'A100-40GB' if acc == 'a100-sxm-40gb' else 'A100-80GB' if acc == 'a100-sxm-80gb' else 'H100'}, BF16"
    if label in have:
        continue
    training = {'tokens': 1e9, 'accelerator': acc, 'accelerator_count': r['num_gpus'], 'precision': 'bf16',
                'activation_checkpointing': bool(r.get('activation_checkpointing')),
                'parallelism': {'zero_stage': 3}, 'global_batch': r['global_batch_size'],
                'goodput': 1, 'price_per_accelerator_hour': 1}
    cases.append({
        'id': slug(name),
        'name': name,
        'regime': 'training-steady-state',
        'figure': 'training.accelerator_hours',
        'published': 1e9 / (r['tokens_per_sec_per_gpu'] * 3600),
        'scenario': {'model': shapes[key], 'training': training},
        'source': f"mosaicml/llm-foundry scripts/train/benchmarking/README.md @ 061f2c7, table '{r['table'].lstrip('# ')}': {r['num_gpus']} GPUs, global batch {r['global_batch_size']}, {r['tokens_per_sec_per_gpu']} tokens/s per GPU (1e9 tokens at that rate)",
        'note': 'A benchmark on a 1600 Gbps RoCE cluster: goodput 1 (no failures).' if r['gpu'] == 'A100' else 'A benchmark: goodput 1 (no failures); the table names no interconnect, so the network is not priced.',
    })
# MosaicML's A100 tables name their cluster's interconnect: 8-GPU nodes linked at 1600 Gbps (RoCE).
# Given as the run's nodes, the engine prices the traffic between them, so these cases at 8 to 128
# GPUs score the network model too. The H100 table names none: its nodes' network is left unpriced.
for c in cases:
    if c['regime'] == 'training-steady-state' and '1600 Gbps node-node interconnect' in c['source']:
        c['scenario']['training']['nodes'] = {'accelerators': 8, 'network_gbps': 1600}
        nodes_note = 'Given as the run\'s nodes: 8-GPU nodes linked at 1600 Gbps (RoCE), so the traffic between them is priced.'
        c['note'] = 'A benchmark: goodput 1 (no failures). ' + nodes_note if c['note'].startswith('A benchmark on a 1600 Gbps') else (c['note'] + ' ' + nodes_note).strip()
json.dump({'cases': cases}, open('/tmp/validation-cases.json', 'w'), indent=1, ensure_ascii=False)
print(len(cases))
