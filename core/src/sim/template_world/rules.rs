//! The simulation rules: what goes wrong when a template's ECS world runs, found by running it.

use crate::diagnostics::{Rule, Severity};

/// The examples' cluster: two t3.micro instances joining it through their user data, as CDK writes them.
macro_rules! service_head {
    () => {
        "Resources:\n  Cluster:\n    Type: AWS::ECS::Cluster\n  Instances:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MinSize: '2'\n      MaxSize: '2'\n      LaunchConfigurationName: {Ref: Launch}\n  Launch:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties:\n      InstanceType: t3.micro\n      ImageId: ami-12345678\n      UserData: {'Fn::Base64': {'Fn::Join': ['', ['#!/bin/bash\\necho ECS_CLUSTER=', {Ref: Cluster}, ' >> /etc/ecs/ecs.config']]}}\n"
    };
}

/// A Fargate task definition the examples' services run.
macro_rules! fargate_task_definition {
    () => {
        "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: app, Image: nginx}\n"
    };
}

pub static SERVICE_PLACEMENT: Rule = Rule {
    code: "SIM001",
    name: "service-placement",
    severity: Severity::Error,
    summary: "A service's tasks can be placed: some container instance of its cluster meets all of the task's requirements.",
    why: "ECS accepts the service and then never starts its tasks: the service event says it \"was unable to place a task\", and CloudFormation waits for a steady state that does not come (by default for three hours). The simulation starts the template's Auto Scaling groups' instances in the cluster their user data or capacity provider names, places the tasks with the service's constraints and strategies, and reports ECS's event with the closest instance's shortfall. Until ecsim simulates the capacity providers of Auto Scaling groups, a strategy of such providers runs as the EC2 launch type on the groups' instances; a group whose cluster neither its user data nor a capacity provider association names starts no instances.",
    invalid: concat!(service_head!(), "  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 2048\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: {Ref: Cluster}\n      TaskDefinition: {Ref: TD}\n      DesiredCount: 2\n      LaunchType: EC2\n"),
    valid: concat!(service_head!(), "  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 256\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: {Ref: Cluster}\n      TaskDefinition: {Ref: TD}\n      DesiredCount: 2\n      LaunchType: EC2\n"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html",
};

pub static SERVICE_STEADY_STATE: Rule = Rule {
    code: "SIM002",
    name: "service-steady-state",
    severity: Severity::Error,
    summary: "A service reaches its desired count of RUNNING tasks within the simulated time (`simulateSeconds`, 900 by default).",
    why: "A service whose tasks start and stop again (a failing health check, an essential container that exits, a deployment the circuit breaker rolls back) never stabilizes, and its CloudFormation stack waits and then fails. The finding gives the counts and the service's last event.",
    invalid: "",
    valid: "Resources: {}",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html",
};

pub static DEPLOYMENT_PROGRESS: Rule = Rule {
    code: "SIM003",
    name: "deployment-progress",
    severity: Severity::Error,
    summary: "A rolling deployment can replace a task: `MaximumPercent` of the desired count leaves room above `MinimumHealthyPercent` of it.",
    why: "ECS keeps at least ceil(desired × minimumHealthyPercent / 100) tasks healthy and at most floor(desired × maximumPercent / 100) in all. When the second is not greater than the first, ECS can neither start a new task nor stop an old one, and every later deployment of the service stalls (the first creation is not affected).",
    invalid: concat!(fargate_task_definition!(), "  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0]}\n      DesiredCount: 1\n      DeploymentConfiguration:\n        MinimumHealthyPercent: 100\n        MaximumPercent: 100\n"),
    valid: concat!(fargate_task_definition!(), "  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0]}\n      DesiredCount: 1\n      DeploymentConfiguration:\n        MinimumHealthyPercent: 100\n        MaximumPercent: 200\n"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#sd-deploymentconfiguration",
};

pub static LOAD_BALANCER_CONTAINER: Rule = Rule {
    code: "SIM004",
    name: "load-balancer-container",
    severity: Severity::Error,
    summary: "A service's load balancer entry names a container of its task definition and a `ContainerPort` that container maps.",
    why: "ECS refuses the service at deploy time (\"The container … did not have a container port … defined\"), after everything before it in the stack was created. The finding names the ports the container does map.",
    invalid: "Resources:\n  TG:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Port: 80, Protocol: HTTP, TargetType: ip, VpcId: vpc-0123456789abcdef0}\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: web, Image: nginx, PortMappings: [{ContainerPort: 80}]}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0]}\n      LoadBalancers:\n        - {ContainerName: web, ContainerPort: 8080, TargetGroupArn: {Ref: TG}}\n",
    valid: "Resources:\n  TG:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Port: 80, Protocol: HTTP, TargetType: ip, VpcId: vpc-0123456789abcdef0}\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: web, Image: nginx, PortMappings: [{ContainerPort: 80}]}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0]}\n      LoadBalancers:\n        - {ContainerName: web, ContainerPort: 80, TargetGroupArn: {Ref: TG}}\n",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html",
};

pub static REJECTED: Rule = Rule {
    code: "SIM005",
    name: "rejected-at-deploy",
    severity: Severity::Error,
    summary: "AWS accepts the ECS world's resources as declared: clusters, instances, target groups and services are created in the simulation, and a refusal is reported with AWS's error.",
    why: "Template linters check each resource alone; some refusals only show when the resources meet (a service on a cluster without the capacity provider its strategy names, a Fargate service without a network configuration). The finding carries the error AWS answers with.",
    invalid: "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: app, Image: nginx}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n",
    valid: "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: app, Image: nginx}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0]}\n",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
};

pub static LAUNCH_COMPATIBILITY: Rule = Rule {
    code: "SIM006",
    name: "launch-compatibility",
    severity: Severity::Error,
    summary: "A service runs its tasks on a launch type (or capacity provider) its task definition's `RequiresCompatibilities` allows.",
    why: "A task definition that requires FARGATE cannot run on EC2 instances and one that requires EC2 cannot run on Fargate; ECS refuses the service when the stack is deployed. Capacity providers FARGATE and FARGATE_SPOT count as FARGATE, an Auto Scaling group's as EC2.",
    invalid: concat!(service_head!(), "  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [EC2]\n      ContainerDefinitions:\n        - {Name: app, Image: nginx, Memory: 256}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: {Ref: Cluster}\n      TaskDefinition: {Ref: TD}\n      LaunchType: FARGATE\n"),
    valid: concat!(service_head!(), "  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [EC2]\n      ContainerDefinitions:\n        - {Name: app, Image: nginx, Memory: 256}\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: {Ref: Cluster}\n      TaskDefinition: {Ref: TD}\n      LaunchType: EC2\n"),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#requires_compatibilities",
};

pub static RULES: [&Rule; 6] = [
    &SERVICE_PLACEMENT,
    &SERVICE_STEADY_STATE,
    &DEPLOYMENT_PROGRESS,
    &LOAD_BALANCER_CONTAINER,
    &REJECTED,
    &LAUNCH_COMPATIBILITY,
];
