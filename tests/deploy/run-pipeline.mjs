// run-pipeline.mjs: runs the rendered fdnix state machine the way AWS runs
// it, on this machine (tests/test-deploy-stepfunctions.sh drives it).
//
//   node run-pipeline.mjs roles CONFIG.json   writes the task roles' temporary
//                                             credentials (CONFIG.roles)
//   node run-pipeline.mjs run CONFIG.json     one execution; writes CONFIG.result
//
// The state machine runs in aws-local-stepfunctions, an ASL interpreter.
// Every Task state whose resource is ecs:runTask.sync gets a handler that
// does what ECS does for RunTask on Fargate:
//   - the states role's policy must allow ecs:RunTask on the task definition
//     (in the cluster), iam:PassRole on its task and execution roles, and
//     what the .sync integration needs (DescribeTasks, the events rule);
//     otherwise the state fails with ECS.AccessDeniedException;
//   - the container runs the task definition's entry point (the image's:
//     the program named like the ECR repository) with the task definition's
//     command and environment, the state's ContainerOverrides applied, and
//     nothing else from the test's environment, as the task definition's
//     user, with an empty HOME;
//   - credentials come only from the container credentials endpoint, which
//     serves the task role's temporary credentials;
//   - the result is the stopped task as DescribeTasks describes it
//     (PascalCase, as Step Functions hands it to ResultSelector), and a
//     non-zero exit code fails the state with States.TaskFailed, the task as
//     the cause.
// Every state, variable and resource name comes from the rendered files.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// aws-local-stepfunctions 3 wants Node 22 for this one function; Node 20
// (Debian 12's backports, this project's CI) lacks it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const ECS_SYNC = 'arn:aws:states:::ecs:runTask.sync';
const SYNC_RULE = 'StepFunctionsGetEventsForECSTaskRule';

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function die(message) {
  process.stderr.write(`run-pipeline: ${message}\n`);
  process.exit(1);
}

// The rendered files: task definitions by family, policies by role name
// (aws-apply.sh's "role NAME TRUST POLICY" lines), the states role.
function loadDeployment(config) {
  const dir = config.renderDir;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const taskDefinitions = {};
  let machine = null;
  for (const f of files) {
    const doc = readJson(path.join(dir, f));
    if (doc.containerDefinitions && doc.family) taskDefinitions[doc.family] = doc;
    if (doc.StartAt && doc.States) {
      if (machine) die(`two state machines in ${dir}: ${machine.file} and ${f}`);
      machine = { file: f, definition: doc };
    }
  }
  if (!machine) die(`no state machine (a document with StartAt and States) in ${dir}`);
  const roles = {};
  const apply = fs.readFileSync(config.applyScript, 'utf8');
  for (const m of apply.matchAll(/^\s*role\s+(\S+)\s+(\S+)\s+(\S+)\s*$/gm)) {
    roles[m[1]] = { name: m[1], trust: path.join(dir, m[2]), policy: path.join(dir, m[3]) };
  }
  if (Object.keys(roles).length === 0) die(`no "role NAME TRUST POLICY" lines in ${config.applyScript}`);
  let statesRole = null;
  for (const role of Object.values(roles)) {
    const trust = readJson(role.trust);
    const services = (trust.Statement || []).flatMap((s) => [].concat((s.Principal || {}).Service || []));
    if (services.includes('states.amazonaws.com')) statesRole = role;
  }
  if (!statesRole) die(`no role in ${config.applyScript} trusts states.amazonaws.com`);
  return { taskDefinitions, machine, roles, statesRole, imagePrograms: imagePrograms(config) };
}

// Which program each ECR repository's image runs: deployment.json (written
// by --render-only) names the repository of each image, and the image's
// Dockerfile its ENTRYPOINT, as docker build and push-ecr.sh put them together.
function imagePrograms(config) {
  const deploymentFile = path.join(config.renderDir, 'deployment.json');
  const programs = {};
  if (!fs.existsSync(deploymentFile)) return programs;
  const deployment = readJson(deploymentFile);
  for (const [kind, repository] of Object.entries(deployment.repositories || {})) {
    const dockerfile = path.join(path.dirname(config.applyScript), `${kind}.Dockerfile`);
    if (!fs.existsSync(dockerfile)) die(`deployment.json names a ${kind} image but there is no ${dockerfile}`);
    const m = /^ENTRYPOINT\s*\[\s*"([^"]+)"/m.exec(fs.readFileSync(dockerfile, 'utf8'));
    if (!m) die(`${dockerfile} has no ENTRYPOINT ["program", ...]`);
    programs[repository] = path.basename(m[1]);
  }
  return programs;
}

function roleName(arn) {
  const m = /^arn:aws[a-z-]*:iam::\d+:role\/(?:.*\/)?([^/]+)$/.exec(arn || '');
  return m ? m[1] : null;
}

// Task roles get temporary credentials of their own, so the IAM proxies can
// tell the roles apart by access key.
function writeRoles(config) {
  const { taskDefinitions, roles } = loadDeployment(config);
  const out = [];
  for (const td of Object.values(taskDefinitions)) {
    const name = roleName(td.taskRoleArn);
    if (!name) die(`task definition ${td.family}: no taskRoleArn (a Fargate task without a role has no credentials)`);
    if (out.some((r) => r.name === name)) continue;
    const role = roles[name];
    if (!role) die(`task role ${name} of ${td.family} is not created by ${config.applyScript}`);
    const id = crypto.randomBytes(8).toString('hex').toUpperCase();
    out.push({
      name,
      policy: role.policy,
      path: `/v2/credentials/${crypto.randomUUID()}`,
      authorization: crypto.randomBytes(24).toString('base64'),
      AccessKeyId: `ASIA${id}`.slice(0, 20),
      SecretAccessKey: crypto.randomBytes(30).toString('base64'),
      Token: `IQoJb3JpZ2luX2VjE${crypto.randomBytes(96).toString('base64')}`,
    });
  }
  fs.writeFileSync(config.roles, JSON.stringify({ roles: out }, null, 1));
}

function policyCheck(config, policyFile, action, resource, context) {
  // one evaluator for both the proxies and this harness: iam_policy.py
  const args = [config.iamPolicy, 'check', policyFile, action, resource];
  for (const [key, value] of Object.entries(context)) args.push(`${key}=${value}`);
  return new Promise((resolve) => {
    const child = spawn(config.python, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.on('close', (code) => resolve({ allowed: code === 0, why: text.trim() }));
  });
}

function taskStates(states, out = []) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource === ECS_SYNC) out.push(name);
    const inner = state.ItemProcessor || state.Iterator;
    if (inner) taskStates(inner.States, out);
    for (const branch of state.Branches || []) taskStates(branch.States, out);
  }
  return out;
}

class EcsError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

async function runPipeline(config) {
  const deployment = loadDeployment(config);
  const rolesFile = readJson(config.roles);
  const require = createRequire(path.join(config.nodeModules, 'noop.js'));
  const { StateMachine } = require('aws-local-stepfunctions');
  const definition = deployment.machine.definition;
  const names = taskStates(definition.States);
  if (names.length === 0) die(`${deployment.machine.file} has no ${ECS_SYNC} task state`);

  const tasks = [];
  const denials = [];
  const faultVictims = new Map(); // fault index -> argument value it picked
  const running = new Map(); // child process -> its exit promise
  let ended = false;
  let sequence = 0;
  fs.mkdirSync(path.join(config.scratch, 'logs'), { recursive: true });

  async function runTask(stateName, params) {
    const seq = ++sequence;
    const record = { seq, state: stateName, started: Date.now() };
    tasks.push(record);
    const cluster = /^arn:aws:ecs:([a-z0-9-]+):(\d+):cluster\/(.+)$/.exec(params.Cluster || '');
    if (!cluster) throw new EcsError('ECS.InvalidParameterException', `state ${stateName}: Cluster ${params.Cluster} is not a cluster ARN`);
    const [, region, account, clusterName] = cluster;
    const tdm = /task-definition\/([^:]+)(?::(\d+))?$/.exec(params.TaskDefinition || '');
    const td = tdm && deployment.taskDefinitions[tdm[1]];
    if (!td) throw new EcsError('ECS.ClientException', `Unable to find task definition ${params.TaskDefinition} (state ${stateName}; rendered families: ${Object.keys(deployment.taskDefinitions).join(', ')})`);
    record.family = td.family;
    // The first registration of a family is revision 1: that is the ARN
    // RunTask is authorized against.
    const tdArn = `arn:aws:ecs:${region}:${account}:task-definition/${td.family}:${tdm[2] || 1}`;
    const taskId = crypto.randomBytes(16).toString('hex');
    const taskArn = `arn:aws:ecs:${region}:${account}:task/${clusterName}/${taskId}`;

    // The states role, as ECS and Step Functions check it.
    const checks = [
      ['ecs:RunTask', tdArn, { 'ecs:cluster': params.Cluster }],
      ['iam:PassRole', td.taskRoleArn, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }],
      ['iam:PassRole', td.executionRoleArn, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }],
      ['ecs:DescribeTasks', taskArn, {}],
      ['events:PutTargets', `arn:aws:events:${region}:${account}:rule/${SYNC_RULE}`, {}],
      ['events:PutRule', `arn:aws:events:${region}:${account}:rule/${SYNC_RULE}`, {}],
      ['events:DescribeRule', `arn:aws:events:${region}:${account}:rule/${SYNC_RULE}`, {}],
    ];
    for (const [action, resource, context] of checks) {
      if (!resource) continue;
      const { allowed, why } = await policyCheck(config, deployment.statesRole.policy, action, resource, context);
      if (!allowed) {
        const message = `User: arn:aws:sts::${account}:assumed-role/${deployment.statesRole.name}/states is not authorized to perform: ${action} on resource: ${resource} (${path.basename(deployment.statesRole.policy)}: ${why}) (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException)`;
        denials.push({ state: stateName, action, resource, why });
        record.denied = message;
        throw new EcsError('ECS.AccessDeniedException', message);
      }
    }

    const essential = td.containerDefinitions.filter((c) => c.essential !== false);
    if (essential.length !== 1) throw new EcsError('ECS.ClientException', `${td.family}: the test runs tasks of exactly one essential container`);
    const container = essential[0];
    const overrides = (params.Overrides && params.Overrides.ContainerOverrides) || [];
    for (const o of overrides) {
      if (!td.containerDefinitions.some((c) => c.name === o.Name)) {
        throw new EcsError('ECS.InvalidParameterException', `Override for container named ${o.Name} is not a container in the TaskDefinition (${td.family}; state ${stateName})`);
      }
    }
    const override = overrides.find((o) => o.Name === container.name) || {};

    // The image's entry point: its Dockerfile's ENTRYPOINT, found through
    // the repository it is pushed to (imagePrograms), else the program of
    // the repository's name.
    const repository = container.image.replace(/^[^/]*\//, '').replace(/[:@].*$/, '');
    let argv0;
    let entryArgs = [];
    if (container.entryPoint && container.entryPoint.length) {
      argv0 = config.programs[path.basename(container.entryPoint[0])];
      entryArgs = container.entryPoint.slice(1);
      if (!argv0) throw new EcsError('States.TaskFailed', `${td.family}: entryPoint ${container.entryPoint[0]} is not a program of the build tree`);
    } else {
      const repositoryName = repository.split('/').pop();
      argv0 = config.programs[deployment.imagePrograms[repositoryName] || repositoryName];
      if (!argv0) throw new EcsError('States.TaskFailed', `${td.family}: image repository ${repository} names no program of the build tree (${Object.keys(config.programs).join(', ')})`);
    }
    const command = override.Command || container.command || [];
    const program = path.basename(argv0);
    record.program = program;
    record.argv = [...entryArgs, ...command];

    const [uid, gid] = String(container.user || '10001:10001').split(':');
    const home = path.join(config.scratch, `task-${seq}-home`);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    if (container.readonlyRootFilesystem) {
      // HOME (/var/lib/fdnix in the image) is on the read-only root: the
      // task may write only to its volumes (/tmp here, as on the host)
      fs.chmodSync(home, 0o555);
    } else {
      fs.chownSync(home, Number(uid), Number(gid ?? uid));
    }
    record.readonlyRoot = Boolean(container.readonlyRootFilesystem);
    const role = rolesFile.roles.find((r) => r.name === roleName(td.taskRoleArn));

    // Debian's image PATH and the HOME of user 10001: nothing of the test's
    // own environment.
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: home };
    for (const { name, value } of container.environment || []) env[name] = value;
    for (const { Name, Value } of override.Environment || []) env[Name] = Value;
    // What the ECS agent adds on Fargate.  Fargate gives the endpoint as
    // AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2; the program
    // reads the FULL_URI form the same way, and that form can name the
    // loopback endpoint this test runs.
    env.AWS_EXECUTION_ENV = 'AWS_ECS_FARGATE';
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = config.credentialsUrl + role.path;
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = role.authorization;
    // THE deliberate differences from AWS (and only these):
    //  - the service endpoints are the local stand-ins, behind the IAM proxies;
    //  - instance metadata is off, so a broken chain cannot reach 169.254.169.254;
    //  - per-program test settings (the metadata task reads the fixture file
    //    instead of running nix-env on the image's nixos.org channel).
    Object.assign(env, config.endpoints);
    env.AWS_EC2_METADATA_DISABLED = 'true';
    Object.assign(env, (config.programEnvironment || {})[program] || {});

    // Injected faults: the task is killed part-way (FDNIX_CRASH_AT), as an
    // OOM kill or a lost host would.
    (config.faults || []).forEach((fault, index) => {
      const at = record.argv.indexOf(fault.argument);
      if (at < 0) return;
      const value = record.argv[at + 1];
      if (!faultVictims.has(index)) faultVictims.set(index, { value, hits: 0 });
      const victim = faultVictims.get(index);
      if (victim.value !== value) return;
      if (fault.attempts === 'first' && victim.hits > 0) return;
      victim.hits += 1;
      env.FDNIX_CRASH_AT = fault.crashAt;
      record.fault = `${fault.argument} ${value}: FDNIX_CRASH_AT=${fault.crashAt}`;
    });
    record.environment = Object.keys(env).sort();

    const log = path.join(config.scratch, 'logs', `${String(seq).padStart(2, '0')}-${stateName}`);
    record.stdout = `${log}.out`;
    record.stderr = `${log}.err`;
    const out = fs.openSync(record.stdout, 'w');
    const err = fs.openSync(record.stderr, 'w');
    const child = spawn(config.setpriv,
      [`--reuid=${uid}`, `--regid=${gid ?? uid}`, '--clear-groups', '--', argv0, ...record.argv],
      { env, cwd: home, stdio: ['ignore', out, err] });
    const exited = new Promise((resolve) => {
      child.on('error', (e) => resolve({ code: 127, error: e.message }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    running.set(child, exited);
    const exit = await exited;
    running.delete(child);
    fs.closeSync(out);
    fs.closeSync(err);
    const signals = { SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11 };
    const exitCode = exit.code ?? 128 + (signals[exit.signal] || 0);
    record.exitCode = exitCode;
    record.finished = Date.now();

    const stopped = new Date().toISOString();
    const task = {
      Attachments: [],
      ClusterArn: params.Cluster,
      Containers: [{
        ContainerArn: `arn:aws:ecs:${region}:${account}:container/${clusterName}/${taskId}/${crypto.randomUUID()}`,
        ExitCode: exitCode,
        Image: container.image,
        LastStatus: 'STOPPED',
        Name: container.name,
        TaskArn: taskArn,
      }],
      Cpu: td.cpu,
      DesiredStatus: 'STOPPED',
      Group: `family:${td.family}`,
      LastStatus: 'STOPPED',
      LaunchType: params.LaunchType,
      Memory: td.memory,
      Overrides: { ContainerOverrides: overrides.map((o) => ({ ...o })) },
      StartedBy: params.StartedBy,
      StopCode: 'EssentialContainerExited',
      StoppedAt: stopped,
      StoppedReason: 'Essential container in task exited',
      TaskArn: taskArn,
      TaskDefinitionArn: tdArn,
    };
    // (a task stopped after the execution ended has nobody to report to)
    if (exitCode !== 0 && !ended) throw new EcsError('States.TaskFailed', JSON.stringify(task));
    return task;
  }

  const handlers = {};
  const retryNow = {};
  for (const name of names) {
    handlers[name] = (input) => runTask(name, input);
    // Retry intervals of minutes are waited out in milliseconds here.
    retryNow[name] = 10;
  }
  const machine = new StateMachine(definition);
  const result = { stateMachine: deployment.machine.file, taskStates: names, tasks, denials };
  try {
    const execution = machine.run(config.input ?? {}, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: retryNow },
    });
    result.output = await execution.result;
    result.status = 'SUCCEEDED';
  } catch (e) {
    result.status = 'FAILED';
    // ExecutionError wraps the state's error (a Fail state's Error/Cause)
    const inner = e.cause || e;
    result.error = inner.name;
    result.cause = inner.cause ?? inner.message;
    result.message = e.message;
  }
  // A failed Map leaves its other iterations' tasks running: Step Functions
  // stops them (StopTask: SIGTERM, then SIGKILL after the stop timeout).
  ended = true;
  const left = [...running.entries()];
  for (const [child] of left) child.kill('SIGTERM');
  const timer = setTimeout(() => left.forEach(([child]) => child.kill('SIGKILL')), 10000);
  await Promise.all(left.map(([, exited]) => exited));
  clearTimeout(timer);
  result.stopped = left.length;
  fs.writeFileSync(config.result, JSON.stringify(result, null, 1));
}

const [mode, configFile] = process.argv.slice(2);
if (!configFile || !['roles', 'run'].includes(mode)) die('usage: run-pipeline.mjs roles|run CONFIG.json');
const config = readJson(configFile);
if (mode === 'roles') writeRoles(config);
else await runPipeline(config);
