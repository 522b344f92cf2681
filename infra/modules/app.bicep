// The app's resource group: identities, the factory's and the agents' storage, monitoring, Web PubSub, the Flex
// Consumption plan and the Function App.
targetScope = 'resourceGroup'

param location string
param tags object
param namePrefix string
param storageAccountName string
@description('The agents\' own storage account: their queues, tables and containers, apart from the factory\'s state.')
param agentStorageAccountName string
param alwaysReadyInstances int
param maximumInstanceCount int
param instanceMemoryMB int
param agentImage string
param agentsResourceGroupName string
param webPubSubSku string

@secure()
param secretsKey string

@description('The Web PubSub hub that carries deployment progress.')
param progressHub string = 'deployments'

@description('The durable engine\'s task hub (tables, queues and blob containers are named after it).')
param taskHub string = 'agentfactory'

// Built-in role ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  webPubSubServiceOwner: '12cf5a90-567b-43ae-8102-96cf46c7d9b4'
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830'
}
var packageContainer = 'app-package'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}'
  location: location
  tags: tags
}

// The agents' own identity, which their container groups run as. Not the app's: agents run tenants' settings and
// code, so they get queue and table data access on the agents' account (their task queue, results, heartbeats,
// memory) and nothing else — nothing on the factory's account (the engine's task hub, the factory's tables), no blobs
// (the agent program uses none), no Web PubSub, no say over container groups.
resource agentIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-agents'
  location: location
  tags: tags
}

// Keys are off: the Functions host (deployment package, triggers' bookkeeping) and the app (tables, queues, blobs,
// the engine's leases) all sign in with the managed identity.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: packageContainer
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The agents' account. Role assignments cannot name queues or tables created at run time, and ABAC conditions do
// not cover Table storage, so agents are kept off the factory's data by an account of their own. Same hardening as
// the factory's: no keys, TLS 1.2, no public blobs.
resource agentStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: agentStorageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource agentStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(agentStorage.id, agentIdentity.id, role)
    scope: agentStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: agentIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The app provisions agents there (queues, tables, blob containers), sends first tasks and reads results and
// heartbeats; it keeps no state of its own there.
resource appAgentStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(agentStorage.id, identity.id, role)
    scope: agentStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Creating a container group that runs as a user-assigned identity needs the right to assign that identity: the
// app may assign the agents' identity and no other.
resource agentIdentityOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(agentIdentity.id, identity.id, roles.managedIdentityOperator)
  scope: agentIdentity
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.managedIdentityOperator)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${namePrefix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry is accepted from Entra ID identities only (APPLICATIONINSIGHTS_AUTHENTICATION_STRING below).
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: 'wps-${namePrefix}'
  location: location
  tags: tags
  sku: {
    name: webPubSubSku
    capacity: 1
  }
  properties: {
    publicNetworkAccess: 'Enabled'
    // No access keys: the app signs in with its identity (webPubSubRole) and the service issues clients' tokens.
    disableLocalAuth: true
  }
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: webPubSub
  name: progressHub
  properties: {
    // Clients connect with the access URL the app hands out (a token naming their deployment's group), never anonymously.
    anonymousConnectPolicy: 'deny'
    eventHandlers: []
  }
}

resource webPubSubRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, identity.id, roles.webPubSubServiceOwner)
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.webPubSubServiceOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Flex Consumption: Linux, identity-based deployment storage, and always-ready instances so the engine's
// dispatchers (which run inside the handler process, with no trigger the platform could scale on) never stop.
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${namePrefix}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'DurableTask__TaskHub', value: taskHub }
        { name: 'AgentFactory__Secrets__Key', value: secretsKey }
        { name: 'AgentFactory__Domain__Region', value: location }
        { name: 'AgentFactory__AgentCreation__Region', value: location }
        { name: 'AgentFactory__Provisioning__AgentImage', value: agentImage }
        { name: 'AgentFactory__Containers__Provider', value: 'AzureContainerInstances' }
        { name: 'AgentFactory__Containers__Aci__SubscriptionId', value: subscription().subscriptionId }
        { name: 'AgentFactory__Containers__Aci__ResourceGroup', value: agentsResourceGroupName }
        { name: 'AgentFactory__Containers__Aci__Location', value: location }
        { name: 'AgentFactory__Containers__Aci__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'AgentFactory__Containers__Aci__GroupIdentityResourceId', value: agentIdentity.id }
        { name: 'AgentFactory__Provisioning__AgentIdentityClientId', value: agentIdentity.properties.clientId }
        { name: 'AgentFactory__Provisioning__Storage__accountName', value: agentStorage.name }
        { name: 'AgentFactory__Provisioning__Storage__credential', value: 'managedidentity' }
        { name: 'AgentFactory__Provisioning__Storage__clientId', value: identity.properties.clientId }
        { name: 'AgentFactory__Progress__Provider', value: 'WebPubSub' }
        { name: 'AgentFactory__Progress__WebPubSub__Hub', value: hub.name }
        { name: 'AgentFactory__Progress__WebPubSub__Endpoint', value: 'https://${webPubSub.properties.hostName}' }
        { name: 'AgentFactory__Progress__WebPubSub__Credential', value: 'managedidentity' }
        { name: 'AgentFactory__Progress__WebPubSub__ClientId', value: identity.properties.clientId }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyInstances
          }
        ]
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
  dependsOn: [
    storageRoles
    agentStorageRoles
    appAgentStorageRoles
    agentIdentityOperator
    packages
  ]
}

output identityPrincipalId string = identity.properties.principalId
output functionAppName string = site.name
output functionAppHostName string = site.properties.defaultHostName
output storageAccountName string = storage.name
output agentStorageAccountName string = agentStorage.name
output webPubSubHostName string = webPubSub.properties.hostName
