using 'main.bicep'

// Production: two always-ready instances (one can be replaced while the other keeps the partitions), room to scale
// out to the 16 instances that 16 control-queue partitions can keep busy, and Web PubSub Standard.
param environmentName = 'prod'
param location = 'westeurope'
param alwaysReadyInstances = 2
param maximumInstanceCount = 16
param instanceMemoryMB = 4096
param webPubSubSku = 'Standard_S1'
param agentImage = readEnvironmentVariable('AGENTFACTORY_AGENT_IMAGE', '')
param secretsKey = readEnvironmentVariable('AGENTFACTORY_SECRETS_KEY', '')
