// Every example configuration of the Atthene contract note (shared/apis/atthene.md) and of
// the vendor pages it cites, as they show them (values shortened, shapes kept). Each must validate
// and run in the sandbox (issue #12 B4). `reply` is the agent whose answer ends the turn.

type Config = Record<string, unknown>;

export interface Example {
  name: string;
  source: string;
  config: Config;
  reply: string;
}

const KB_ID = '0c1d2e3f-0000-4000-8000-00000000c001';

export const EXAMPLES: Example[] = [
  {
    name: 'create agent: flat system_config with a knowledge base and a tool',
    source: 'https://docs.atthene.com/api-reference/agents/create (note §2 Fields, §4 knowledge_base_id)',
    config: {
      name: 'Support Agent',
      agent_type: 'llm_agent',
      system_prompt: 'You are a helpful support agent.',
      llm_config: { model: 'gpt-4o', temperature: 0.7, max_tokens: 1000 },
      knowledge_bases: [{ name: 'Handbook', knowledge_base_type: 'milvus', knowledge_base_id: KB_ID }],
      tools: ['tavily_search'],
    },
    reply: 'Support Agent',
  },
  {
    name: 'create session: flat form with tools',
    source: 'https://docs.atthene.com/api-reference/sessions/create (note §3 sessions)',
    config: {
      name: 'Support Session',
      agent_type: 'llm_agent',
      system_prompt: 'You are a helpful customer support agent.',
      llm_config: { model: 'gpt-4o', temperature: 0.7 },
      tools: ['tavily_search'],
    },
    reply: 'Support Session',
  },
  {
    name: 'quick start step 1: validate a flat config',
    source: 'https://docs.atthene.com/documentation/integration/rest-api-tutorial (Quick Start)',
    config: {
      name: 'Customer Support Agent',
      agent_type: 'llm_agent',
      system_prompt: 'You are a helpful customer support agent. Be friendly and professional.',
      llm_config: { model: 'gpt-4o', temperature: 0.7 },
    },
    reply: 'Customer Support Agent',
  },
  {
    name: 'REST tutorial: full form, one agent with explicit start and end edges',
    source: 'https://docs.atthene.com/documentation/integration/rest-api-tutorial (note §2 full form)',
    config: {
      name: 'Support Agent Session',
      description: 'Customer support agent from inline config',
      save_messages: true,
      persistent_state: true,
      agents: [
        {
          name: 'support_agent',
          agent_type: 'llm_agent',
          description: 'Handles customer inquiries',
          prompt_config: { system_prompt: 'You are a helpful customer support agent.' },
          llm_config: { temperature: 0.7 },
          streaming_config: { show_output_to_user: true },
        },
      ],
      edges: [
        { from: '__start__', to: 'support_agent' },
        { from: 'support_agent', to: '__end__' },
      ],
      entry_point: 'support_agent',
    },
    reply: 'support_agent',
  },
  {
    name: 'YAML configuration structure: workflow with system fields and a referenced knowledge base',
    source:
      'https://docs.atthene.com/documentation/yaml-configuration (note §2 top-level fields, §4 agent knowledge_bases)',
    config: {
      name: 'System Name',
      description: 'System description',
      architecture: 'workflow',
      save_messages: true,
      persistent_state: true,
      recursion_limit: 25,
      entry_point: 'agent_name',
      agents: [
        {
          name: 'agent_name',
          agent_type: 'react_agent',
          tools: ['tavily_search'],
          knowledge_bases: [
            {
              name: 'Handbook',
              knowledge_base_type: 'milvus',
              enabled: true,
              id: KB_ID,
              config: { top_k: 5, strategy: 'hybrid' },
              description: 'Recipes and opening hours',
            },
          ],
        },
      ],
      tools: [],
      edges: [],
    },
    reply: 'agent_name',
  },
  {
    name: 'sequential pattern: entry_point START with the start edge written out (aliases START/END)',
    source: 'https://docs.atthene.com/documentation/advanced/sequential-patterns (note §2 Edges)',
    config: {
      name: 'Sequential Chain',
      description: 'An analyzer hands its notes to a responder.',
      architecture: 'workflow',
      entry_point: 'START',
      agents: [
        { name: 'analyzer', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Analyse.' } },
        {
          name: 'responder',
          agent_type: 'llm_agent',
          prompt_config: { system_prompt: 'Answer using {{ analyzer.output.sentiment }}.' },
        },
      ],
      edges: [
        { from: 'START', to: 'analyzer' },
        { from: 'analyzer', to: 'responder' },
        { from: 'responder', to: 'END' },
      ],
    },
    reply: 'responder',
  },
  {
    name: 'multi-agent workflow with a boolean conditional edge: routing and no to',
    source: 'https://docs.atthene.com/documentation/advanced/conditional-edges (Boolean Edges; issue #12 B4)',
    config: {
      name: 'Quality Gate',
      description: 'A writer drafts; a reviewer approves or sends it back for revision.',
      architecture: 'workflow',
      entry_point: 'writer',
      agents: [
        { name: 'writer', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Draft.' } },
        { name: 'reviewer', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Review.' } },
        { name: 'publisher', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Publish.' } },
        { name: 'reviser', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Revise.' } },
      ],
      edges: [
        { from: '__start__', to: 'writer' },
        { from: 'writer', to: 'reviewer' },
        {
          from: 'reviewer',
          condition: 'Is the draft ready? {{ reviewer.output.approved }}',
          condition_type: 'boolean',
          routing: { yes: 'publisher', no: 'reviser' },
          llm_model: 'gemini-1.5-pro',
        },
        { from: 'publisher', to: '__end__' },
        { from: 'reviser', to: '__end__' },
      ],
    },
    reply: 'publisher',
  },
  {
    name: 'classifier with a literal conditional edge: possible_outputs and no to',
    source: 'https://docs.atthene.com/documentation/advanced/conditional-edges (How Conditional Edges Work)',
    config: {
      name: 'Help Desk',
      description: 'A classifier routes each request to a team.',
      entry_point: 'classifier',
      agents: [
        { name: 'classifier', agent_type: 'llm_agent' },
        { name: 'tech_support', agent_type: 'react_agent', tools: ['tavily_search'] },
        { name: 'billing_support', agent_type: 'llm_agent' },
        { name: 'general_support', agent_type: 'llm_agent' },
      ],
      edges: [
        {
          from: 'classifier',
          condition: 'Route to the appropriate team based on {{classifier.output.category}}',
          condition_type: 'literal',
          possible_outputs: ['tech_support', 'billing_support', 'general_support'],
        },
        { from: 'tech_support', to: '__end__' },
        { from: 'billing_support', to: '__end__' },
        { from: 'general_support', to: '__end__' },
      ],
    },
    reply: 'tech_support',
  },
];
